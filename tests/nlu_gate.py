"""Fails when situation top-1 accuracy on the held-out set drops below the floor.

Reads the report that `rasa test nlu` writes (intent_report.json): situation accuracy is
the support-weighted recall of the eighteen situation intents.
"""

import argparse
import json
import sys
from pathlib import Path
from typing import Dict, Tuple

from tandem.vocabulary import parse_situation_intent as parse_intent

FLOOR = 0.85


def situation_accuracy(report: Dict[str, Dict]) -> Tuple[float, int]:
    """(accuracy, number of examples) over the situation intents of an intent report."""
    correct = total = 0.0
    for intent, scores in report.items():
        if parse_intent(intent) is None:
            continue
        support = scores["support"]
        correct += scores["recall"] * support
        total += support
    return (correct / total if total else 0.0), int(total)


def main() -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("report", type=Path, nargs="?",
                        default=Path("results/nlu/intent_report.json"))
    parser.add_argument("--floor", type=float, default=FLOOR)
    args = parser.parse_args()
    report = json.loads(args.report.read_text(encoding="utf-8"))
    accuracy, n = situation_accuracy(report)
    print(f"situation top-1 accuracy on {n} held-out examples: {accuracy:.3f} "
          f"(floor {args.floor:.2f}); all intents: {report['accuracy']:.3f}")
    return 0 if accuracy >= args.floor and n > 0 else 1


if __name__ == "__main__":
    sys.exit(main())
