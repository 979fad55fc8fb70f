"""Understanding, dev and frozen test side by side, with 95% intervals.

- situations: top-1 and pole accuracy answering every message; with Tandem's clarifying
  questions, how often it asks and how often it is right when it answers;
- questions and other messages: how often they would get findings (they never should);
- minimal pairs: negation, "I used to ... now", first vs third person: both right;
- two-pattern messages: both patterns found.

Dev: tests/nlu, tests/checklist (pairs) and tests/multi/dev*.yml, tuned on. Test:
tests/frozen (frozen; see its README), never tuned on.
Writes bench/results/understanding.md and understanding.json.
Usage: python -m bench.understanding --model models/tandem.tar.gz
"""

import argparse
import asyncio
import json
from pathlib import Path
from typing import Any, Dict, List, Sequence, Tuple

import yaml

from bench import data
from bench.safety import rate
from tandem import analysis
from tandem.vocabulary import parse_situation_intent

RESULTS = data.ROOT / "bench" / "results"
FROZEN = data.ROOT / "tests" / "frozen"
Pair = Tuple[str, str, str, str, str]  # kind, text a, label a, text b, label b


def dev_pairs() -> List[Pair]:
    """tests/checklist's negation, change and person pairs in the frozen sets' shape."""
    pairs: List[Pair] = []
    # These hold first/second pairs of opposite poles; negation.yml has no `kind`.
    for name in ("negation.yml", "change.yml", "pairs_round2.yml"):
        doc = yaml.safe_load((data.ROOT / "tests/checklist" / name).read_text())
        for p in doc["pairs"]:
            d = p["dimension"]
            pairs.append((p.get("kind", "negation"), p["first"]["text"],
                          f"{p['first']['pole']}:{d}", p["second"]["text"],
                          f"{p['second']['pole']}:{d}"))
    person = yaml.safe_load((data.ROOT / "tests/checklist/person.yml").read_text())
    for p in person["pairs"]:
        pole, dimension = parse_situation_intent(p["intent"])  # type: ignore[misc]
        label = f"{pole}:{dimension}"
        pairs.append(("person", p["first_person"], label, p["third_person"], label))
    return pairs


def test_pairs() -> List[Pair]:
    """The frozen minimal pairs."""
    pairs: List[Pair] = []
    for path in sorted(FROZEN.glob("pairs_*.yml")):
        for p in yaml.safe_load(path.read_text(encoding="utf-8"))["pairs"]:
            pairs.append((p["kind"], p["a"]["text"], p["a"]["label"], p["b"]["text"],
                          p["b"]["label"]))
    return pairs


def multi(split: str) -> List[Dict[str, Any]]:
    """Two-pattern messages of the split."""
    paths = data.MULTI_DEV if split == "dev" \
        else sorted(FROZEN.glob("multi_*.yml"))
    return [m for p in paths for m in yaml.safe_load(p.read_text(encoding="utf-8"))["messages"]]


def sets(split: str) -> Dict[str, Any]:
    """Everything one split measures."""
    folder = data.TEST_DIR if split == "dev" else FROZEN
    examples = data.load(folder.glob("*.yml"))
    situations = [e for e in examples if parse_situation_intent(e.intent)]
    others = [e for e in examples if not parse_situation_intent(e.intent)
              and not e.intent.startswith("crisis")]
    return {"situations": situations, "others": others,
            "pairs": dev_pairs() if split == "dev" else test_pairs(), "multi": multi(split)}


def top_key(parse: Dict[str, Any]) -> str:
    """The situation class the classifier ranks first, as a finding key (answering always)."""
    ranked = analysis.situation_ranking(parse.get("intent_ranking") or [])
    return ranked[0].key if ranked else ""


def findings(parse: Dict[str, Any]) -> List[str]:
    """The finding keys Tandem would report for a parsed message (as the action decides)."""
    intent = (parse.get("intent") or {}).get("name") or ""
    if not (parse_situation_intent(intent) or intent == "nlu_fallback"):
        return []
    several = analysis.sentence_findings(parse.get("sentence_rankings"),
                                         parse.get("intent_ranking") or [])
    if several:
        return [e.finding.key for e in several]
    decision = analysis.decide(parse.get("intent_ranking") or [],
                               words=len(str(parse.get("text") or "").split()))
    return [f.key for f in decision.findings]


def evaluate(split: str, parse: Dict[str, Dict[str, Any]]) -> Dict[str, Any]:
    """Scores of one split from a text -> parse table."""
    s = sets(split)
    gold = [":".join(parse_situation_intent(e.intent) or ()) for e in s["situations"]]
    parsed = [parse[e.text] for e in s["situations"]]
    top = [top_key(p) for p in parsed]
    answered = [(g, f) for g, p in zip(gold, parsed, strict=True) if (f := findings(p))]
    pole = lambda key: key.split(":")[0]  # noqa: E731
    result: Dict[str, Any] = {
        "top1": rate(sum(g == t for g, t in zip(gold, top, strict=True)), len(gold)),
        "pole": rate(sum(pole(g) == pole(t) for g, t in zip(gold, top, strict=True)), len(gold)),
        "answered_share": rate(len(answered), len(gold)),
        "answered_right": rate(sum(g == f[0] for g, f in answered), len(answered)),
        "others_with_findings": rate(sum(bool(findings(parse[e.text])) for e in s["others"]),
                                     len(s["others"])),
    }
    for kind in sorted({p[0] for p in s["pairs"]}):
        chosen = [p for p in s["pairs"] if p[0] == kind]
        both = sum(top_key(parse[a]) == la and top_key(parse[b]) == lb
                   for _, a, la, b, lb in chosen)
        result[f"pairs_{kind}"] = rate(both, len(chosen))
    # Whose pattern (the `about` slot): the first-person message of a person pair is the
    # writer's own, the third-person one someone else's.
    person = [p for p in s["pairs"] if p[0] == "person"]
    result["about_person_pairs"] = rate(sum(
        analysis.whose_pattern(a) == "self" and analysis.whose_pattern(b) != "self"
        for _, a, _, b, _ in person),
        len(person))
    hits = 0
    for message in s["multi"]:
        gold_keys = {p["label"] for p in message["patterns"]}
        hits += gold_keys <= set(findings(parse[message["text"]]))
    result["multi_both_found"] = rate(hits, len(s["multi"]))
    return result


async def parse_texts(model: Path, texts: Sequence[str]) -> Dict[str, Dict[str, Any]]:
    """Parse each distinct text once with the trained model."""
    from rasa.core.agent import Agent

    agent = Agent.load(str(model))
    table = {}
    for text in dict.fromkeys(texts):
        table[text] = await agent.parse_message(text)
    return table


def all_texts(split: str) -> List[str]:
    s = sets(split)
    return ([e.text for e in s["situations"] + s["others"]]
            + [t for p in s["pairs"] for t in (p[1], p[3])] + [m["text"] for m in s["multi"]])


ROWS = [("situation top-1, answering every message", "top1"),
        ("situation pole, answering every message", "pole"),
        ("situations answered without a question", "answered_share"),
        ("right when answering", "answered_right"),
        ("questions and other messages given findings", "others_with_findings"),
        ("negation pairs, both right", "pairs_negation"),
        ("change pairs (used to / now), both right", "pairs_change"),
        ("first/third person pairs, both right", "pairs_person"),
        ("first/third person pairs, whose pattern (`about`) both right",
         "about_person_pairs"),
        ("two-pattern messages, both found", "multi_both_found")]


def report(results: Dict[str, Dict[str, Any]]) -> str:
    """Markdown, dev and test side by side."""
    def cell(r: Dict[str, Any]) -> str:
        return (f"{100 * r['rate']:.1f}% ({r['hits']}/{r['n']}; 95% CI "
                f"{100 * r['low']:.0f}-{100 * r['high']:.0f})")

    lines = ["# Understanding: dev and frozen test", "",
             "Dev = `tests/nlu`, `tests/checklist`, `tests/multi/dev*.yml` (tuned on). Test = "
             "`tests/frozen` (hand-written by writers who never saw the training data; frozen, "
             "never tuned on). Reproduce: `python -m bench.understanding --model "
             "models/tandem.tar.gz`.", "", "| measure | dev | test |", "|---|---|---|"]
    for label, key in ROWS:
        lines.append(f"| {label} | " + " | ".join(cell(results[s][key]) if key in results[s]
                                                  else "n/a" for s in ("dev", "test")) + " |")
    return "\n".join(lines) + "\n"


def main() -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--model", type=Path, default=data.ROOT / "models" / "tandem.tar.gz")
    args = parser.parse_args()
    texts = all_texts("dev") + all_texts("test")
    table = asyncio.run(parse_texts(args.model, texts))
    results = {split: evaluate(split, table) for split in ("dev", "test")}
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "understanding.md").write_text(report(results), encoding="utf-8")
    (RESULTS / "understanding.json").write_text(json.dumps(results, indent=1), encoding="utf-8")
    print(report(results))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
