"""Counts the answers to "was this helpful?" in the database: `python -m bench.feedback`."""

from bench.data import ROOT
from storage.database import database_url, make_engine
from storage.profiles import ProfileStore

RESULTS = ROOT / "bench" / "results" / "feedback.md"


def main() -> int:
    """Writes bench/results/feedback.md from TANDEM_DB_URL (default var/tandem.db)."""
    engine = make_engine(database_url())
    counts = ProfileStore(engine=engine).feedback_counts()
    total = counts[True] + counts[False]
    share = f"{100 * counts[True] / total:.0f}%" if total else "n/a"
    text = "\n".join([
        "# Was this helpful?", "",
        f"Answers recorded in {engine.url.render_as_string(hide_password=True)}:", "",
        "| helpful | not helpful | total | share helpful |", "|---|---|---|---|",
        f"| {counts[True]} | {counts[False]} | {total} | {share} |", "",
        "Counts come from real conversations with this deployment, not from a test set.", ""])
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(text)
    print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
