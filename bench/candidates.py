"""Candidate intent classifiers, dev and frozen test side by side; the choice is made on dev.

Each candidate is the TF-IDF logistic regression of components/intent_classifier.py,
alone or averaged with a logistic regression on frozen sentence embeddings (MiniLM or
mpnet, with its C and share). They are scored as the classifier alone (the message
screen and the dialogue are left out, so the numbers differ slightly from
understanding.md), on the measures of bench/understanding.py and bench/safety.py.

The choice is made on dev (see `choose`): the model by top-1 then pole, then the share of
the clauses about now by the change pairs; test numbers are printed beside it and never
used to choose. Embeddings are cached in
build/embeddings. Writes bench/results/candidates.md.
Usage: python -m bench.candidates
"""

import argparse
import dataclasses
from dataclasses import dataclass
from typing import Any, Callable, Dict, List, Sequence

import numpy as np
from sklearn.linear_model import LogisticRegression

from bench import data, safety as safety_bench, understanding
from components.intent_classifier import (codependent_by_row, pole_columns, with_pole,
                                          with_present_part)
from components.sentence_encoder import EmbeddingCache
from components.text_features import TextFeatures
from tandem import safety, text

FALLBACK_THRESHOLD = 0.2  # config.yml's FallbackClassifier
Proba = Callable[[List[str]], np.ndarray]


@dataclass(frozen=True)
class Candidate:
    """One classifier configuration: the encoder, its model's C and its share."""

    encoder: str = ""
    encoder_C: float = 10.0
    weight: float = 0.0
    present_weight: float = 0.0
    tuned_weight: float = 0.0  # share of the fine-tuned MiniLM (components/fine_tuned.py)
    pole_weight: float = 0.0  # share of the pole model in each dimension's pole split

    @property
    def name(self) -> str:
        """A label for the tables."""
        name = "TF-IDF alone" if not self.weight else \
            f"TF-IDF + {self.weight:.0%} {self.encoder} (C={self.encoder_C:g})"
        if self.tuned_weight:
            name += f", then {self.tuned_weight:.0%} fine-tuned MiniLM"
        if self.present_weight:
            name += f", {self.present_weight:.0%} clauses about now"
        if self.pole_weight:
            name += f", {self.pole_weight:.0%} pole model"
        return name


CANDIDATES = [Candidate(), Candidate("minilm", 10.0, 0.1)] + [
    Candidate("mpnet", c, w) for c in (3.0, 10.0, 30.0) for w in (0.3, 0.4, 0.5, 0.6)]
# Tried on the model chosen from CANDIDATES.
PRESENT_WEIGHTS = (0.5, 0.7, 1.0)
# Shares of the fine-tuned MiniLM, tried on the model and present share chosen before.
TUNED_WEIGHTS = (0.0, 0.3, 0.5, 0.7, 1.0)
# Shares of the pole model, tried on the configured model.
POLE_WEIGHTS = (0.0, 0.2, 0.35, 0.5, 0.7)
# The measures of issue 13's "done when"; the tuned share is chosen by their dev mean.
TARGET_MEASURES = ("top1", "pole", "answered_right", "pairs_negation", "pairs_change",
                   "pairs_person", "multi_both_found")


class Models:
    """The TF-IDF model and each encoder's model, fitted once on the training data."""

    def __init__(self) -> None:
        train = data.training()
        # As Rasa: a retrieval intent ("concept/causes") is one intent ("concept") to the
        # classifier, so the fine-tuned model's cache is shared with `make train`.
        texts, labels = [e.text for e in train], [e.intent.split("/")[0] for e in train]
        self.features = TextFeatures()
        self.tfidf = LogisticRegression(C=30.0, max_iter=3000).fit(
            self.features.fit_transform(texts), labels)
        self.classes = [str(c) for c in self.tfidf.classes_]
        self.caches = {name: EmbeddingCache(name) for name in ("minilm", "mpnet")}
        self._texts, self._labels = texts, labels
        self._heads: Dict[Any, LogisticRegression] = {}
        self._tuned: Any = None
        self._pole: Dict[Any, Any] = {}

    def tuned(self) -> Any:
        """The fine-tuned MiniLM classifier (cached in build/fine_tuned)."""
        if self._tuned is None:
            from components.fine_tuned import fine_tuned

            self._tuned = fine_tuned(self._texts, self._labels)
            assert self._tuned.classes == self.classes
        return self._tuned

    def pole(self, candidate: Candidate) -> Callable[[List[str]], np.ndarray]:
        """The pole model (codependent or not) of the candidate's encoder, as the component's."""
        key = (candidate.encoder, candidate.encoder_C, candidate.weight)
        if key not in self._pole:
            codependent_rows = codependent_by_row(self._labels)
            target = list(codependent_rows.values())
            texts = [self._texts[i] for i in codependent_rows]
            tfidf = LogisticRegression(C=30.0, max_iter=3000).fit(
                self.features.transform(texts), target)
            embedded = None
            if candidate.weight:
                cache = self.caches[candidate.encoder]
                embedded = LogisticRegression(C=candidate.encoder_C, max_iter=3000).fit(
                    cache.encode(texts), target)

            def codependent(batch: List[str]) -> np.ndarray:
                probs = tfidf.predict_proba(self.features.transform(batch))[:, 1]
                if embedded is not None:
                    probs = (1 - candidate.weight) * probs + candidate.weight * \
                        embedded.predict_proba(cache.encode(batch))[:, 1]
                return probs
            self._pole[key] = codependent
        return self._pole[key]

    def head(self, encoder: str, c: float) -> LogisticRegression:
        """The embedding model of one encoder and C."""
        if (encoder, c) not in self._heads:
            self._heads[encoder, c] = LogisticRegression(C=c, max_iter=3000).fit(
                self.caches[encoder].encode(self._texts), self._labels)
        return self._heads[encoder, c]

    def proba(self, candidate: Candidate) -> Proba:
        """The candidate's probability function."""
        def predict(texts: List[str]) -> np.ndarray:
            return with_present_part(models_proba, texts, candidate.present_weight)

        def models_proba(texts: List[str]) -> np.ndarray:
            probs = self.tfidf.predict_proba(self.features.transform(texts))
            if candidate.weight:
                head = self.head(candidate.encoder, candidate.encoder_C)
                embedded = head.predict_proba(self.caches[candidate.encoder].encode(texts))
                probs = (1 - candidate.weight) * probs + candidate.weight * embedded
            if candidate.tuned_weight:
                probs = (1 - candidate.tuned_weight) * probs + \
                    candidate.tuned_weight * self.tuned().predict_proba(texts)
            if candidate.pole_weight:
                probs = with_pole(probs, pole_columns(self.classes),
                                  self.pole(candidate)(texts), candidate.pole_weight)
            return probs
        return predict

    def ranking(self, probs: np.ndarray) -> List[Dict[str, Any]]:
        """Intent ranking in Rasa's shape."""
        return [{"name": self.classes[i], "confidence": float(probs[i])}
                for i in np.argsort(probs)[::-1]]


def parses(models: Models, proba: Proba, texts: Sequence[str],
           models_reads_now: bool = False) -> Dict[str, Dict[str, Any]]:
    """Rasa-shaped parses (intent, ranking, per-sentence rankings) from the classifier."""
    from components.intent_classifier import SENTENCE_TOP_K, sentences_to_rank

    unique = list(dict.fromkeys(texts))
    per_text = {t: sentences_to_rank(text.split_sentences(t),
                                     text.present_part(t) if models_reads_now else None)
                for t in unique}
    flat = [s for t in unique for s in per_text[t]]
    probabilities = proba(unique + flat)
    sentence_probs = iter(probabilities[len(unique):])
    table = {}
    for t, probs in zip(unique, probabilities, strict=False):
        ranking = models.ranking(probs)
        intent = ranking[0] if ranking[0]["confidence"] >= FALLBACK_THRESHOLD \
            else {"name": "nlu_fallback", "confidence": 1.0}
        table[t] = {"text": t, "intent": intent, "intent_ranking": ranking,
                    "sentence_rankings": [
                        {"text": s, "ranking": models.ranking(next(sentence_probs))[
                            :SENTENCE_TOP_K]} for s in per_text[t]] or None}
    return table


def risk_scores(models: Models, proba: Proba, split: str) -> Dict[str, Any]:
    """The safety bench's measures with this classifier's crisis intents."""
    examples = safety_bench.load_risk_set(safety_bench.SETS[split])
    situations = safety_bench.situation_texts(split)
    table = parses(models, proba, [e.text for e in examples] + situations)

    def verdict(t: str) -> safety_bench.Verdict:
        risk = safety.assess(t, table[t]["intent_ranking"], sentences=text.split_sentences(t))
        return safety_bench.Verdict(risk.at_risk, risk.kind, risk.level)

    return safety_bench.evaluate(examples, [verdict(e.text) for e in examples],
                                 [verdict(t) for t in situations])


def tune_crisis_thresholds(models: Models, candidate: Candidate) -> List[str]:
    """tandem.safety.CRISIS_THRESHOLDS for the candidate, chosen on dev only."""
    examples = safety_bench.load_risk_set(safety_bench.SETS["dev"])
    situations = safety_bench.situation_texts("dev")
    texts = [e.text for e in examples] + situations
    table_ = parses(models, models.proba(candidate), texts)
    return [f"Crisis thresholds for {candidate.name}, on dev:"] + \
        safety_bench.choose_crisis_thresholds(
            examples, situations, {t: table_[t]["intent_ranking"] for t in texts})


def score(models: Models, candidate: Candidate, split: str) -> Dict[str, Any]:
    """Understanding and safety measures of one candidate on one split."""
    proba = models.proba(candidate)
    result = understanding.evaluate(split, parses(models, proba, understanding.all_texts(split),
                                                  bool(candidate.present_weight)))
    risk = risk_scores(models, proba, split)
    result["risk_recall"] = risk["recall"]
    result["risk_false_alarms"] = risk["false_alarms_lookalikes"]
    return result


COLUMNS = [("top-1", "top1"), ("pole", "pole"), ("right when answering", "answered_right"),
           ("negation pairs", "pairs_negation"), ("change pairs", "pairs_change"),
           ("person pairs", "pairs_person"), ("two patterns", "multi_both_found"),
           ("danger recall", "risk_recall"), ("look-alike alarms", "risk_false_alarms")]


def table(results: Dict[str, Dict[str, Any]], chosen: str, split: str) -> List[str]:
    """One split's markdown table."""
    lines = ["| candidate | " + " | ".join(c for c, _ in COLUMNS) + " |",
             "|---" * (len(COLUMNS) + 1) + "|"]
    for name, r in results.items():
        mark = " **(chosen on dev)**" if name == chosen else ""
        cells = [f"{100 * r[k]['rate']:.1f}" if k in r else "n/a" for _, k in COLUMNS]
        lines.append(f"| {name}{mark} | " + " | ".join(cells) + " |")
    return lines


def _rate(result: Dict[str, Any], key: str) -> float:
    return float(result[key]["rate"]) if key in result else 0.0


def choose(models: Models, dev: Dict[str, Dict[str, Any]]) -> List[Candidate]:
    """The dev choice, in two steps; adds the second step's candidates to `dev`.

    First the encoder, C and share: best dev top-1, then pole. Then, for that model, the
    share of the clauses about now: best dev change pairs, then top-1. Returns the
    candidates in table order, the chosen one last.
    """
    model = max(CANDIDATES, key=lambda c: (_rate(dev[c.name], "top1"),
                                           _rate(dev[c.name], "pole")))
    variants = [Candidate(model.encoder, model.encoder_C, model.weight, p)
                for p in PRESENT_WEIGHTS]
    for variant in variants:
        dev[variant.name] = score(models, variant, "dev")
    best = max([model] + variants, key=lambda c: (_rate(dev[c.name], "pairs_change"),
                                                  _rate(dev[c.name], "top1")))
    ordered = CANDIDATES + variants
    return [c for c in ordered if c != best] + [best]


def choose_share(models: Models, base: Candidate, field: str, shares: Sequence[float],
                 what: str, flag: str) -> List[str]:
    """One share (`field` of Candidate) on top of `base`, chosen on dev; a report.

    The rule: the best mean of the TARGET_MEASURES on dev (one number for everything the
    issue asks of understanding), then top-1. Test numbers are printed, never used.
    """
    options = [Candidate(**{**dataclasses.asdict(base), field: w}) for w in shares]
    dev = {c.name: score(models, c, "dev") for c in options}

    def target_mean(c: Candidate) -> float:
        return float(np.mean([_rate(dev[c.name], k) for k in TARGET_MEASURES]))

    best = max(options, key=lambda c: (target_mean(c), _rate(dev[c.name], "top1")))
    test = {c.name: score(models, c, "test") for c in options}
    return [f"# Share of the {what}: dev and frozen test", "",
            "Percentages; the classifier alone (no message screen, no dialogue), on top of "
            f"{base.name}. Chosen on dev by the mean of {', '.join(TARGET_MEASURES)}, then "
            "top-1; test is printed beside it and never used to choose. Reproduce: "
            f"`python -m bench.candidates {flag}`.", "",
            "## Dev", ""] + table(dev, best.name, "dev") + [
            "", "Dev mean of the target measures: " + "; ".join(
                f"{getattr(c, field):.0%}: {100 * target_mean(c):.1f}" for c in options),
            "", "## Test (never used to choose)", ""] + table(test, best.name, "test")


def configured() -> Candidate:
    """The candidate config.yml ships (chosen on dev by `choose` and `choose_share`)."""
    import yaml

    config = yaml.safe_load((data.ROOT / "config.yml").read_text(encoding="utf-8"))
    step = next(s for s in config["pipeline"] if s["name"].endswith("TandemIntentClassifier"))
    return Candidate(step.get("encoder", ""), float(step.get("encoder_C", 10.0)),
                     float(step.get("encoder_weight", 0.0)),
                     float(step.get("present_weight", 0.0)),
                     float(step.get("tuned_weight", 0.0)),
                     float(step.get("pole_weight", 0.0)))


def main() -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--tune-safety", action="store_true",
                        help="only choose the crisis thresholds for config.yml's classifier")
    parser.add_argument("--tuned-share", action="store_true",
                        help="only choose the fine-tuned MiniLM's share on the chosen model")
    parser.add_argument("--pole-share", action="store_true",
                        help="only choose the pole model's share on the configured model")
    args = parser.parse_args()
    models = Models()
    if args.tune_safety:
        print("\n".join(tune_crisis_thresholds(models, configured())))
        return 0
    shares = {"tuned_share": ("tuned_weight", TUNED_WEIGHTS, "fine-tuned MiniLM",
                              "--tuned-share", "candidates_tuned.md"),
              "pole_share": ("pole_weight", POLE_WEIGHTS, "pole model", "--pole-share",
                             "candidates_pole.md")}
    for option, (field, values, what, flag, report) in shares.items():
        if getattr(args, option):
            lines = choose_share(models, configured(), field, values, what, flag)
            (understanding.RESULTS / report).write_text("\n".join(lines) + "\n",
                                                        encoding="utf-8")
            print("\n".join(lines))
            return 0
    dev = {c.name: score(models, c, "dev") for c in CANDIDATES}
    candidates = choose(models, dev)
    chosen = candidates[-1].name
    dev = {c.name: dev[c.name] for c in candidates}
    test = {c.name: score(models, c, "test") for c in candidates}
    n_dev, n_test = dev[chosen]["top1"]["n"], test[chosen]["top1"]["n"]
    lines = ["# Intent classifier candidates: dev and frozen test", "",
             "Percentages; the classifier alone (no message screen, no dialogue). Chosen on "
             "dev: the model by best top-1, then pole; then the share of the clauses about "
             "now by the change pairs. Danger recall and look-alike alarms use the crisis "
             "thresholds in tandem/safety.py. 95% intervals: about +-3.5 points on dev "
             f"top-1 (n={n_dev}), +-4 on test (n={n_test}); see understanding.md for the "
             "shipped pipeline with intervals. Reproduce: `python -m bench.candidates`.", "",
             "## Dev (tests/nlu, tests/checklist, tests/multi/dev*.yml, tests/safety/risk_dev*)",
             ""] + table(dev, chosen, "dev") + [
             "", "## Test (tests/frozen, tests/safety/risk_test.yml; never used to choose)",
             ""] + table(test, chosen, "test")
    understanding.RESULTS.mkdir(parents=True, exist_ok=True)
    (understanding.RESULTS / "candidates.md").write_text("\n".join(lines) + "\n",
                                                         encoding="utf-8")
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
