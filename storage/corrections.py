"""Exports recorded "that's not it" corrections as candidate NLU examples to review.

`python -m storage.corrections [--out results/corrections.yml]`. Nothing is ever added to
data/ automatically: a person reads each candidate and moves the good ones by hand.
The message text comes from the tracker store, so a forgotten or purged conversation
leaves no candidate behind.
"""

import argparse
import json
import sys
from collections import defaultdict
from pathlib import Path
from typing import Dict, List, Optional, Sequence

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from storage.database import make_engine
from storage.profiles import ProfileStore
from tandem import settings

DEFAULT_OUT = settings.ROOT / "results" / "corrections.yml"
EVENTS = sa.table("events", sa.column("sender_id"), sa.column("type_name"),
                  sa.column("timestamp"), sa.column("data"))


def candidates(engine: Engine) -> Dict[str, List[str]]:
    """Corrected intent -> the messages people said it fits, oldest first, no repeats."""
    found: Dict[str, List[str]] = defaultdict(list)
    if not sa.inspect(engine).has_table("events"):
        return found
    with engine.connect() as connection:
        for correction in ProfileStore(engine=engine).corrections():
            if correction.message_timestamp is None:
                continue
            row = connection.execute(sa.select(EVENTS.c.data).where(
                EVENTS.c.sender_id == correction.sender_id, EVENTS.c.type_name == "user",
                EVENTS.c.timestamp == correction.message_timestamp)).first()
            text = (json.loads(row[0]).get("text") or "").strip() if row else ""
            intent = "situation_" + correction.corrected.replace(":", "_")
            if text and not text.startswith("/") and text not in found[intent]:
                found[intent].append(text)
    return found


def as_nlu_yaml(found: Dict[str, List[str]]) -> str:
    """Rasa NLU YAML with a review note on top."""
    lines = ["# Candidate examples from people's corrections. Review each one before moving",
             "# it into data/nlu/situations/ (remove names and anything identifying).",
             'version: "3.1"', "nlu:"]
    for intent in sorted(found):
        lines += [f"- intent: {intent}", "  examples: |"]
        lines += [f"    - {' '.join(text.split())}" for text in found[intent]]
    return "\n".join(lines) + "\n"


def main(argv: Optional[Sequence[str]] = None) -> int:
    """Command line entry point; returns the exit status."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--url", default=None, help="database URL (default: TANDEM_DB_URL)")
    args = parser.parse_args(argv)
    found = candidates(make_engine(args.url or settings.database_url()))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(as_nlu_yaml(found), encoding="utf-8")
    print(f"{sum(len(v) for v in found.values())} candidate examples for "
          f"{len(found)} intents written to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
