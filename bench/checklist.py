"""Behavioural tests of the situation classifier in the CheckList style.

Invariance: a typo, other casing, extra punctuation or an emoji must not change what
Tandem recognises in a held-out message. Directional: a negation must flip the pole.
Person: the same situation told about oneself or about someone else gets the same
answer. Minimum functionality: short prototypical cases of each of the 18 classes.

`python -m bench.checklist` writes bench/results/robustness.md; tests/test_robustness.py
guards the floors.
"""

import argparse
import asyncio
import random
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Dict, List, Sequence, Tuple

import yaml

from bench import data

SUITE_DIR = data.ROOT / "tests" / "checklist"
RESULTS = data.ROOT / "bench" / "results" / "robustness.md"
SITUATION = "situation_"
# Typos go into content words only: a misspelt "not" changes what a sentence says.
_NEGATIONS = {"not", "never", "dont", "don't", "cant", "can't", "won't", "wont", "didn't",
              "didnt", "isn't", "isnt", "doesn't", "doesnt", "nothing", "nobody", "no"}
_WORD = re.compile(r"[A-Za-z']{4,}")
EMOJI = ("😔", "🙄", "😭", "🤷\u200d♀️", "💔", "😅")

Parse = Callable[[List[str]], List[str]]


def typo(text: str, rng: random.Random) -> str:
    """Swaps two neighbouring letters inside one or two content words."""
    words = [m for m in _WORD.finditer(text) if m.group().lower() not in _NEGATIONS]
    chars = list(text)
    for match in rng.sample(words, min(len(words), 2 if len(words) > 6 else 1)):
        i = rng.randrange(match.start() + 1, match.end() - 2)  # keep first and last letter
        chars[i], chars[i + 1] = chars[i + 1], chars[i]
    return "".join(chars)


def lower_case(text: str, rng: random.Random) -> str:
    """All lower case, as many people type."""
    return text.lower()


def upper_case(text: str, rng: random.Random) -> str:
    """ALL CAPS."""
    return text.upper()


def punctuation(text: str, rng: random.Random) -> str:
    """Apostrophes dropped and the ending replaced by a run of ! or ? or ..."""
    return text.replace("'", "").rstrip(".!? ") + rng.choice(("!!!", "??", "...", " !!"))


def emoji(text: str, rng: random.Random) -> str:
    """An emoji added at the end, or at the start."""
    mark = rng.choice(EMOJI)
    return f"{text} {mark}" if rng.random() < 0.7 else f"{mark} {text}"


PERTURBATIONS: Dict[str, Callable[[str, random.Random], str]] = {
    "typos": typo, "lower case": lower_case, "upper case": upper_case,
    "punctuation": punctuation, "emoji": emoji,
}


def pole(intent: str) -> str:
    """`codependent`/`interdependent` for a situation intent, else the intent itself."""
    return intent.split("_")[1] if intent.startswith(SITUATION) else intent


def dimension(intent: str) -> str:
    """The dimension key of a situation intent."""
    return intent.split("_", 2)[2] if intent.startswith(SITUATION) else intent


@dataclass
class Suite:
    """One behavioural test: how many cases passed, with the failures for inspection."""

    name: str
    passed: int = 0
    total: int = 0
    failures: List[Tuple[str, ...]] = field(default_factory=list)

    @property
    def rate(self) -> float:
        """Share of cases passed."""
        return self.passed / self.total if self.total else 0.0

    def record(self, ok: bool, *case: str) -> None:
        """Counts one case."""
        self.total += 1
        self.passed += ok
        if not ok:
            self.failures.append(case)


def _load(name: str) -> Dict:
    return yaml.safe_load((SUITE_DIR / name).read_text(encoding="utf-8"))


def run(parse: Parse) -> List[Suite]:
    """Runs every suite with `parse` (texts → predicted intents, one batch)."""
    held_out = data.held_out(SITUATION)
    originals = [e.text for e in held_out]
    perturbed = {name: [change(t, random.Random(f"{name}:{t}")) for t in originals]
                 for name, change in PERTURBATIONS.items()}
    negation = _load("negation.yml")["pairs"]
    person = _load("person.yml")["pairs"]
    mft = [(intent, text) for intent, texts in _load("mft.yml")["intents"].items()
           for text in texts]

    batch = list(originals)
    for texts in perturbed.values():
        batch += texts
    batch += [p[k]["text"] for p in negation for k in ("first", "second")]
    batch += [p[k] for p in person for k in ("first_person", "third_person")]
    batch += [text for _, text in mft]
    predictions = iter(parse(batch))

    base = [next(predictions) for _ in originals]
    suites = []
    for name, texts in perturbed.items():
        suite = Suite(f"invariance: {name}")
        for changed, before in zip(texts, base, strict=True):
            after = next(predictions)
            suite.record(after == before, changed, before, after)
        suites.append(suite)

    flips = Suite("negation flips the pole")
    for pair in negation:
        poles = (pole(next(predictions)), pole(next(predictions)))
        want = (pair["first"]["pole"], pair["second"]["pole"])
        flips.record(poles == want, pair["first"]["text"], pair["second"]["text"], str(poles))
    suites.append(flips)

    same = Suite("first vs third person: same answer")
    right = Suite("first vs third person: both right")
    for pair in person:
        first, third = next(predictions), next(predictions)
        same.record(first == third, pair["first_person"], first, third)
        right.record(first == third == pair["intent"], pair["first_person"], first, third)
    suites += [same, right]

    per_dimension: Dict[str, Suite] = {}
    for intent, text in mft:
        got = next(predictions)
        key = dimension(intent)
        suite = per_dimension.setdefault(key, Suite(f"minimum functionality: {key}"))
        suite.record(got == intent, text, intent, got)
    suites += [per_dimension[k] for k in sorted(per_dimension)]
    return suites


def model_parser(model: Path) -> Parse:
    """Parses with the trained Rasa model in this process, as the bot would act on it."""
    from rasa.core.agent import Agent

    from bench.quality import predicted_intents

    agent = Agent.load(str(model))

    def parse(texts: List[str]) -> List[str]:
        async def all_of() -> List[Dict]:
            return [await agent.parse_message(text) for text in texts]
        return predicted_intents(asyncio.run(all_of()))

    return parse


def report(suites: Sequence[Suite]) -> str:
    """The markdown report: pass rate per suite and a few failures of each."""
    lines = ["# Robustness: behavioural tests (CheckList style)", "",
             "Held-out situation messages (tests/nlu) perturbed by bench/checklist.py, and "
             "hand-written pairs and cases in tests/checklist/. Invariance counts a case as "
             "passed when the predicted class is unchanged; the other suites need the "
             "right pole or class. Floors are guarded by tests/test_robustness.py. "
             "Reproduce with `make bench`.", "",
             "| suite | passed | cases | rate |", "|---|---|---|---|"]
    lines += [f"| {s.name} | {s.passed} | {s.total} | {s.rate:.1%} |" for s in suites]
    lines += ["", "## Examples of failures", ""]
    for suite in suites:
        for case in suite.failures[:3]:
            lines.append(f"- {suite.name}: " + " → ".join(f"`{c}`" for c in case))
    return "\n".join(lines) + "\n"


def main() -> int:
    """Runs the suites against the trained model and writes the report."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, default=data.ROOT / "models" / "tandem.tar.gz")
    args = parser.parse_args()
    text = report(run(model_parser(args.model)))
    RESULTS.write_text(text, encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
