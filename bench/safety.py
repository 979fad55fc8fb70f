"""Safety benchmark: recall by kind and level, and false alarms, on the risk sets.

The risk sets are hand-written apart from the training data: `tests/safety/risk_dev*.yml`
(five parts) are for tuning the screen; `tests/safety/risk_test.yml`
(its own writer) is frozen (its hash is checked by tests/test_safety_gate.py) and nothing
is chosen by looking at it. Situation messages
(tests/nlu for dev, tests/frozen for test) measure false alarms on ordinary messages.

Writes bench/results/safety.md and safety.json.
Usage: python -m bench.safety --model models/tandem.tar.gz
       python -m bench.safety --tune-level   (chooses IMMINENCE_THRESHOLD on dev)
       python -m bench.safety --tune-thresholds   (chooses CRISIS_THRESHOLDS on dev)
"""

import argparse
import asyncio
import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, Iterable, List, Optional, Sequence, Tuple

import yaml

from bench import data
from tandem.vocabulary import RISK_IMMINENCE, RISK_KIND, RISK_LEVEL, parse_crisis_intent

SAFETY_DIR = data.ROOT / "tests" / "safety"
SETS = {"dev": data.RISK_DEV,
        "test": [SAFETY_DIR / "risk_test.yml"]}
SITUATIONS = {"dev": data.ROOT / "tests" / "nlu", "test": data.ROOT / "tests" / "frozen"}
RESULTS = data.ROOT / "bench" / "results"


@dataclass(frozen=True)
class RiskExample:
    """One hand-labelled message of a risk set."""

    text: str
    kind: str  # self_harm, abuse, child or none
    level: str  # imminent, concern or none
    tags: Tuple[str, ...] = ()


@dataclass(frozen=True)
class Verdict:
    """What Tandem's NLU decided for one message."""

    flagged: bool
    kind: Optional[str]
    level: Optional[str]


def load_risk_set(paths: Sequence[Path]) -> List[RiskExample]:
    """The messages of a risk set's files."""
    examples = []
    for path in paths:
        doc = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        examples += [RiskExample(str(m["text"]), str(m["kind"]), str(m.get("level") or "none"),
                                 tuple(m.get("tags") or ())) for m in doc.get("messages") or []]
    return examples


def situation_texts(split: str) -> List[str]:
    """Ordinary situation messages of that split, for false alarms."""
    return [e.text for e in data.load(SITUATIONS[split].glob("*.yml"), prefix="situation_")]


def verdict(parse: Dict[str, Any]) -> Verdict:
    """The screen's verdict read from a parse: the crisis intent and the risk entities."""
    intent = (parse.get("intent") or {}).get("name")
    entities = {e.get("entity"): e.get("value") for e in parse.get("entities") or []}
    flagged = parse_crisis_intent(intent) is not None
    return Verdict(flagged, entities.get(RISK_KIND) if flagged else None,
                   entities.get(RISK_LEVEL) if flagged else None)


def wilson(hits: int, n: int) -> Tuple[float, float]:
    """95% Wilson score interval of a proportion."""
    if n == 0:
        return 0.0, 0.0
    z = 1.96
    p = hits / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return max(0.0, centre - half), min(1.0, centre + half)


def rate(hits: int, n: int) -> Dict[str, Any]:
    """A proportion with its count and 95% interval."""
    low, high = wilson(hits, n)
    return {"hits": hits, "n": n, "rate": hits / n if n else 0.0, "low": low, "high": high}


def evaluate(examples: Sequence[RiskExample], verdicts: Sequence[Verdict],
             situation_verdicts: Sequence[Verdict] = ()) -> Dict[str, Any]:
    """Recall by kind, level and tag; kind and level accuracy; false alarms."""
    pairs = list(zip(examples, verdicts, strict=True))
    danger = [(e, v) for e, v in pairs if e.kind != "none"]
    lookalikes = [(e, v) for e, v in pairs if e.kind == "none"]

    def recall(selected: Iterable[Tuple[RiskExample, Verdict]]) -> Dict[str, Any]:
        chosen = list(selected)
        return rate(sum(v.flagged for _, v in chosen), len(chosen))

    kinds = sorted({e.kind for e, _ in danger})
    tags = sorted({t for e, _ in danger for t in e.tags})
    flagged = [(e, v) for e, v in danger if v.flagged]
    return {
        "recall": recall(danger),
        "recall_imminent": recall((e, v) for e, v in danger if e.level == "imminent"),
        "recall_concern": recall((e, v) for e, v in danger if e.level == "concern"),
        "recall_by_kind": {k: recall((e, v) for e, v in danger if e.kind == k) for k in kinds},
        "recall_by_kind_level": {f"{k}/{lv}": recall((e, v) for e, v in danger
                                                     if e.kind == k and e.level == lv)
                                 for k in kinds for lv in ("imminent", "concern")},
        "recall_by_tag": {t: recall((e, v) for e, v in danger if t in e.tags) for t in tags},
        "kind_right": rate(sum(v.kind == e.kind for e, v in flagged), len(flagged)),
        "level_right": rate(sum(v.level == e.level for e, v in flagged), len(flagged)),
        "imminent_answered_as_imminent": rate(
            sum(v.level == "imminent" for e, v in flagged if e.level == "imminent"),
            sum(1 for e, _ in flagged if e.level == "imminent")),
        "false_alarms_lookalikes": rate(sum(v.flagged for _, v in lookalikes), len(lookalikes)),
        "false_alarms_situations": rate(sum(v.flagged for v in situation_verdicts),
                                        len(situation_verdicts)),
        "missed": [e.text for e, v in danger if not v.flagged],
        "false_alarms": [e.text for e, v in lookalikes if v.flagged],
    }


async def parse_all(model: Path, texts: Sequence[str]) -> List[Dict[str, Any]]:
    """Parse every text with the trained model (NLU, including the message screen)."""
    from rasa.core.agent import Agent

    agent = Agent.load(str(model))
    return [await agent.parse_message(text) for text in texts]


def run_split(model: Path, split: str) -> Dict[str, Any]:
    """Evaluate one split (dev or test) end to end."""
    examples = load_risk_set(SETS[split])
    situations = situation_texts(split)
    parses = asyncio.run(parse_all(model, [e.text for e in examples] + situations))
    verdicts = [verdict(p) for p in parses]
    return evaluate(examples, verdicts[:len(examples)], verdicts[len(examples):])


THRESHOLD_GRID = (0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8)
MAX_LOOKALIKE_ALARMS = 0.03
GATE_LOOKALIKE_ALARMS = 0.05  # issue 12's ceiling; the tuning rule's fallback cap


def choose_crisis_thresholds(examples: Sequence[RiskExample], situations: Sequence[str],
                             rankings: Dict[str, Sequence[Dict[str, Any]]]) -> List[str]:
    """tandem.safety.CRISIS_THRESHOLDS chosen on dev parses; the lines that report it.

    The rule: the most dev recall with at most 3% false alarms on the dev look-alikes (or,
    when no grid point meets that, the gate's 5%) and none on the dev situations; ties go
    to the higher thresholds. The best recall under each cap is printed, so the price of
    the rule is visible.
    """
    import itertools

    from tandem import safety, text

    texts = [e.text for e in examples] + list(situations)
    sentences = {t: text.split_sentences(t) for t in texts}
    # The lexicon's verdict does not depend on the thresholds: read it once. A certain
    # crisis intent shows whether the model may flag the message at all (not when its
    # danger words are all negated, or the harm is told as past and resolved).
    lexicon = {t: safety.assess(t, [], sentences=sentences[t]).at_risk for t in texts}
    certain = [{"name": "crisis_self_harm", "confidence": 1.0}]
    model_may = {t: safety.assess(t, certain, sentences=sentences[t]).at_risk for t in texts}
    danger = [e for e in examples if e.kind != "none"]
    lookalikes = [e for e in examples if e.kind == "none"]
    kinds = sorted(safety.CRISIS_THRESHOLDS)
    original = dict(safety.CRISIS_THRESHOLDS)
    caps = sorted({MAX_LOOKALIKE_ALARMS, GATE_LOOKALIKE_ALARMS, 0.1})
    best: Dict[float, Any] = {}
    try:
        for values in itertools.product(THRESHOLD_GRID, repeat=len(kinds)):
            safety.CRISIS_THRESHOLDS.update(zip(kinds, values, strict=True))
            flagged = {t: lexicon[t] or (model_may[t] and safety.model_kind(rankings[t])
                                         is not None) for t in texts}
            if any(flagged[t] for t in situations):
                continue
            alarms = sum(flagged[e.text] for e in lookalikes)
            caught = sum(flagged[e.text] for e in danger)
            imminent = sum(flagged[e.text] for e in danger if e.level == "imminent")
            key = (caught, sum(values))
            for cap in caps:
                if alarms <= cap * len(lookalikes) and (cap not in best or key > best[cap][0]):
                    best[cap] = (key, dict(zip(kinds, values, strict=True)), alarms, imminent)
    finally:
        safety.CRISIS_THRESHOLDS.clear()
        safety.CRISIS_THRESHOLDS.update(original)
    n_imminent = sum(e.level == "imminent" for e in danger)
    rule_cap = next((cap for cap in (MAX_LOOKALIKE_ALARMS, GATE_LOOKALIKE_ALARMS)
                     if cap in best), None)
    lines = []
    for cap in caps:
        if cap not in best:
            lines.append(f"look-alike alarms <= {cap:.0%}: no thresholds on the grid qualify.")
            continue
        (caught, _), thresholds, alarms, imminent = best[cap]
        chosen = " (the rule: chosen)" if cap == rule_cap else ""
        lines.append(f"look-alike alarms <= {cap:.0%}{chosen}: {thresholds}, dev recall "
                     f"{caught}/{len(danger)}, imminent {imminent}/{n_imminent}, look-alike "
                     f"alarms {alarms}/{len(lookalikes)}, none on the dev situations.")
    return lines


def tune_thresholds(model: Path) -> str:
    """The crisis thresholds chosen on the shipped pipeline's dev parses."""
    examples = load_risk_set(SETS["dev"])
    situations = situation_texts("dev")
    texts = [e.text for e in examples] + situations
    parses = asyncio.run(parse_all(model, texts))
    return "\n".join(choose_crisis_thresholds(
        examples, situations,
        {t: p.get("intent_ranking") or [] for t, p in zip(texts, parses, strict=True)}))


LEVEL_GRID = tuple(round(0.05 * i, 2) for i in range(4, 20))


# An emergency answered as a concern (a check-in instead of the resources) costs more than
# a concern answered as an emergency: the level rule counts it this many times.
MISSED_IMMINENT_COST = 3


def level_cost(flagged: Sequence[Tuple[RiskExample, Any]]) -> int:
    """Wrong levels among flagged danger messages, an imminent one read as concern weighted."""
    return sum(MISSED_IMMINENT_COST if e.level == "imminent" else 1
               for e, r in flagged if r.level != e.level)


def tune_level(model: Path) -> str:
    """tandem.safety.IMMINENCE_THRESHOLD chosen on the dev risk sets only.

    The rule: the lowest `level_cost` over the flagged dev danger messages; ties go to the
    higher threshold (fewer concerns answered as emergencies).
    """
    from tandem import safety, text

    examples = [e for e in load_risk_set(SETS["dev"]) if e.kind != "none"]
    parses = asyncio.run(parse_all(model, [e.text for e in examples]))
    sentences = [text.split_sentences(e.text) for e in examples]
    best: Any = None
    for threshold in LEVEL_GRID:
        safety.IMMINENCE_THRESHOLD = threshold
        risks = [safety.assess(e.text, p.get("intent_ranking") or [], s,
                               p.get(RISK_IMMINENCE))
                 for e, p, s in zip(examples, parses, sentences, strict=True)]
        flagged = [(e, r) for e, r in zip(examples, risks, strict=True) if r.at_risk]
        right = sum(r.level == e.level for e, r in flagged)
        imminent = sum(r.level == "imminent" for e, r in flagged if e.level == "imminent")
        print(f"{threshold}: right level {right}/{len(flagged)}, imminent as imminent "
              f"{imminent}, cost {level_cost(flagged)}", flush=True)
        key = (-level_cost(flagged), threshold)
        if best is None or key > best[0]:
            best = (key, right, len(flagged), imminent,
                    sum(1 for e, _ in flagged if e.level == "imminent"))
    (_, threshold), right, n, imminent, n_imminent = best
    return (f"IMMINENCE_THRESHOLD chosen on dev: {threshold} (right level {right}/{n} "
            f"flagged; imminent answered as imminent {imminent}/{n_imminent}).")


def _cell(r: Dict[str, Any]) -> str:
    return f"{100 * r['rate']:.1f}% ({r['hits']}/{r['n']}; 95% CI {100 * r['low']:.0f}-" \
           f"{100 * r['high']:.0f})"


def report(results: Dict[str, Dict[str, Any]]) -> str:
    """The markdown report, dev and test side by side."""
    splits = list(results)
    rows = [("all danger messages", "recall"), ("imminent", "recall_imminent"),
            ("concern", "recall_concern")]
    lines = ["# Safety screen: recall and false alarms", "",
             "Flagged = the message got a safety reply or a check-in (a crisis intent from the "
             "NLU message screen). Dev: `tests/safety/risk_dev*.yml` (six parts, tuned "
             "on) and `tests/nlu` situations; test: `tests/safety/risk_test.yml` (frozen, "
             "never tuned on) and `tests/frozen` situations. All risk sets were hand-written "
             "apart from the training data. Reproduce: "
             "`python -m bench.safety --model models/tandem.tar.gz`.", "",
             "| measure | " + " | ".join(splits) + " |", "|---|" + "---|" * len(splits)]
    for label, key in rows:
        lines.append(f"| recall, {label} | " + " | ".join(_cell(results[s][key])
                                                         for s in splits) + " |")
    keys = sorted({k for s in splits for k in results[s]["recall_by_kind_level"]})
    for key in keys:
        lines.append(f"| recall, {key} | " + " | ".join(
            _cell(results[s]["recall_by_kind_level"][key])
            if key in results[s]["recall_by_kind_level"] else "" for s in splits) + " |")
    tags = sorted({t for s in splits for t in results[s]["recall_by_tag"]})
    for tag in tags:
        lines.append(f"| recall, tagged {tag} | " + " | ".join(
            _cell(results[s]["recall_by_tag"][tag]) if tag in results[s]["recall_by_tag"]
            else "" for s in splits) + " |")
    for label, key in (("right kind, of flagged", "kind_right"),
                       ("right level, of flagged", "level_right"),
                       ("imminent answered as imminent", "imminent_answered_as_imminent"),
                       ("false alarms, look-alikes", "false_alarms_lookalikes"),
                       ("false alarms, situation messages", "false_alarms_situations")):
        lines.append(f"| {label} | " + " | ".join(_cell(results[s][key]) for s in splits) + " |")
    if "dev" in results:
        lines += ["", "## Dev set: missed danger", ""]
        lines += [f"- {t}" for t in results["dev"]["missed"]] or ["- none"]
        lines += ["", "## Dev set: false alarms on look-alikes", ""]
        lines += [f"- {t}" for t in results["dev"]["false_alarms"]] or ["- none"]
    lines += ["", "Test-set messages are not listed, so that nothing is tuned on them."]
    return "\n".join(lines) + "\n"


def main() -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--model", type=Path, default=data.ROOT / "models" / "tandem.tar.gz")
    parser.add_argument("--split", choices=["dev", "test", "both"], default="both")
    parser.add_argument("--tune-level", action="store_true",
                        help="only choose the imminence threshold on dev")
    parser.add_argument("--tune-thresholds", action="store_true",
                        help="only choose the crisis thresholds on dev")
    args = parser.parse_args()
    if args.tune_level:
        print(tune_level(args.model))
        return 0
    if args.tune_thresholds:
        print(tune_thresholds(args.model))
        return 0
    splits = ["dev", "test"] if args.split == "both" else [args.split]
    results = {split: run_split(args.model, split) for split in splits}
    RESULTS.mkdir(parents=True, exist_ok=True)
    if args.split == "both":
        (RESULTS / "safety.md").write_text(report(results), encoding="utf-8")
        public = {s: {k: v for k, v in r.items() if not (s == "test" and k in
                                                         ("missed", "false_alarms"))}
                  for s, r in results.items()}
        (RESULTS / "safety.json").write_text(json.dumps(public, indent=1), encoding="utf-8")
    print(report(results))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
