"""Quality benchmark on the held-out set: Tandem's pipeline against two baselines.

Writes bench/results/quality.md and bench/results/confusion_matrix.png.
Usage: python -m bench.quality --model models/tandem.tar.gz
"""

import argparse
import asyncio
import math
import re
import time
from collections import Counter, defaultdict
from pathlib import Path
from typing import Callable, Dict, List, Sequence

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import confusion_matrix, f1_score
from sklearn.pipeline import make_union

from tandem import analysis
from tandem.vocabulary import parse_situation_intent
from bench import data

RESULTS = data.ROOT / "bench" / "results"
SITUATION = "situation_"


def pole_of(intent: str) -> str:
    parsed = parse_situation_intent(intent)
    return parsed[0] if parsed else "none"


def scores(gold: Sequence[str], pred: Sequence[str]) -> Dict[str, float]:
    """Top-1, pole accuracy and macro-F1 over the situation classes."""
    gold_a, pred_a = np.array(gold), np.array(pred)
    labels = sorted(set(gold))
    return {
        "top1": float(np.mean(gold_a == pred_a)),
        "pole": float(np.mean([pole_of(g) == pole_of(p)
                               for g, p in zip(gold, pred, strict=True)])),
        "macro_f1": float(f1_score(gold_a, pred_a, labels=labels, average="macro",
                                   zero_division=0)),
    }


def tfidf_baseline(train: List[data.Example]) -> Callable[[List[str]], List[str]]:
    """TF-IDF (word 1-2 + char 2-5) with logistic regression, no negation features."""
    vectors = make_union(TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True),
                         TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5),
                                         sublinear_tf=True))
    model = LogisticRegression(C=10, max_iter=3000)
    model.fit(vectors.fit_transform([e.text for e in train]), [e.intent for e in train])
    return lambda texts: list(model.predict(vectors.transform(texts)))


_WORD = re.compile(r"[a-z']+")


def keyword_baseline(train: List[data.Example], per_class: int = 25
                     ) -> Callable[[List[str]], List[str]]:
    """A keyword lexicon learned from the training data (top log-odds words per class)."""
    counts: Dict[str, Counter] = defaultdict(Counter)
    for example in train:
        counts[example.intent].update(set(_WORD.findall(example.text.lower())))
    total: Counter = Counter()
    for counter in counts.values():
        total.update(counter)
    lexicon: Dict[str, Dict[str, float]] = {}
    for intent, counter in counts.items():
        n_in = sum(counter.values())
        n_out = sum(total.values()) - n_in
        weights = {w: math.log((c + 1) / (n_in + 1))
                   - math.log((total[w] - c + 1) / (n_out + 1))
                   for w, c in counter.items() if c >= 2}
        lexicon[intent] = dict(sorted(weights.items(), key=lambda kv: -kv[1])[:per_class])
    fallback = Counter(e.intent for e in train).most_common(1)[0][0]

    def predict(texts: List[str]) -> List[str]:
        out = []
        for text in texts:
            words = set(_WORD.findall(text.lower()))
            best = max(lexicon, key=lambda i: sum(lexicon[i].get(w, 0.0) for w in words))
            hit = sum(lexicon[best].get(w, 0.0) for w in words) > 0
            out.append(best if hit else fallback)
        return out

    return predict


def train_variant(encoder_weight: float, out_dir: Path) -> Path:
    """Trains Tandem's pipeline with another sentence-encoder share; returns the model path."""
    import subprocess
    import sys

    import yaml

    config = yaml.safe_load((data.ROOT / "config.yml").read_text(encoding="utf-8"))
    for component in config["pipeline"]:
        if component["name"].endswith("TandemIntentClassifier"):
            component["encoder_weight"] = encoder_weight
    config_path = out_dir / "config.yml"
    config_path.write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    rasa = str(Path(sys.executable).parent / "rasa")
    subprocess.run([rasa, "train", "nlu", "--config", str(config_path), "--nlu", "data",
                    "--domain", "domain", "--out", str(out_dir), "--fixed-model-name",
                    "variant"], cwd=data.ROOT, check=True, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)
    return out_dir / "variant.tar.gz"


def predicted_intents(parses: Sequence[Dict]) -> List[str]:
    """What the bot acts on: the intent, or for nlu_fallback the best real intent."""
    out = []
    for parse in parses:
        name = parse["intent"]["name"]
        if name == "nlu_fallback":
            ranked = [r["name"] for r in parse.get("intent_ranking") or []
                      if r["name"] != "nlu_fallback"]
            name = ranked[0] if ranked else name
        out.append(name)
    return out


def encoder_cost(name: str) -> str:
    """Load time and per-message time of a sentence encoder, measured here."""
    from components.sentence_encoder import SentenceEncoder

    start = time.perf_counter()
    encoder = SentenceEncoder(name)
    loaded = time.perf_counter() - start
    sample = ["I always pay for everything and he never even says thanks"] * 50
    start = time.perf_counter()
    for text in sample:
        encoder.encode([text])
    per_message = (time.perf_counter() - start) / len(sample)
    return (f"{name} encoder: {loaded:.1f}s to load, {1000 * per_message:.0f} ms per message "
            f"(single-message calls, this machine).")


async def parse_all(model: Path, texts: List[str]) -> List[Dict]:
    """Parse every text with the trained Rasa model (NLU only)."""
    from rasa.core.agent import Agent

    agent = Agent.load(str(model))
    return [await agent.parse_message(text) for text in texts]


def clarification_tradeoff(gold: Sequence[str], parses: Sequence[Dict]) -> List[Dict]:
    """For each threshold: how often Tandem asks, and accuracy with and without asking."""
    rows = []
    for confident in (0.0, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6):
        for margin in (0.0, 0.05, 0.1):
            asked = answered_right = answered = resolved_right = 0
            for g, parse in zip(gold, parses, strict=False):
                decision = analysis.decide(parse.get("intent_ranking") or [], confident, margin)
                gold_finding = parse_situation_intent(g)
                assert gold_finding is not None, g
                if decision.findings:
                    answered += 1
                    f = decision.findings[0]
                    right = (f.pole, f.dimension) == gold_finding
                    answered_right += right
                    resolved_right += right
                elif decision.needs_clarification:
                    asked += 1
                    # The person picks the right dimension when it is offered.
                    picked = analysis.resolve([c.key for c in decision.candidates],
                                              gold_finding[1])
                    offered = any(c.dimension == gold_finding[1] for c in decision.candidates)
                    resolved_right += bool(offered and picked and
                                           (picked.pole, picked.dimension) == gold_finding)
            n = len(gold)
            rows.append({"confident": confident, "margin": margin, "ask_rate": asked / n,
                         "answered_acc": answered_right / answered if answered else 0.0,
                         "final_acc": resolved_right / n})
    return rows


def plot_confusion(gold: List[str], pred: List[str], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    labels = sorted(set(gold))
    short = [label.replace("situation_", "").replace("interdependent", "inter")
             .replace("codependent", "co") for label in labels]
    matrix = confusion_matrix(gold, pred, labels=labels)
    fig, ax = plt.subplots(figsize=(11, 9))
    ax.imshow(matrix, cmap="Blues")
    ax.set_xticks(range(len(labels)), short, rotation=90, fontsize=8)
    ax.set_yticks(range(len(labels)), short, fontsize=8)
    for i in range(len(labels)):
        for j in range(len(labels)):
            if matrix[i, j]:
                ax.text(j, i, matrix[i, j], ha="center", va="center", fontsize=7,
                        color="white" if matrix[i, j] > matrix.max() / 2 else "black")
    ax.set_xlabel("predicted")
    ax.set_ylabel("held-out label")
    ax.set_title("Tandem situation classes, held-out set")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--model", type=Path, default=data.ROOT / "models" / "tandem.tar.gz")
    parser.add_argument("--skip-variant", action="store_true",
                        help="do not train the pipeline without the sentence encoder")
    args = parser.parse_args()

    train_all = data.training()
    train_sit = [e for e in train_all if e.intent.startswith(SITUATION)]
    test = data.held_out(SITUATION)
    texts, gold = [e.text for e in test], [e.intent for e in test]

    start = time.perf_counter()
    parses = asyncio.run(parse_all(args.model, texts))
    tandem_seconds = time.perf_counter() - start
    tandem_pred = predicted_intents(parses)

    systems = {"Tandem (Rasa pipeline, TF-IDF + negation, averaged 50/50 with mpnet)": tandem_pred}
    variant_note = ""
    if not args.skip_variant:
        import tempfile

        with tempfile.TemporaryDirectory() as folder:
            start = time.perf_counter()
            variant = train_variant(0.0, Path(folder))
            variant_note = (f"Training the NLU pipeline without the sentence encoder took "
                            f"{time.perf_counter() - start:.0f}s (`rasa train nlu`, with "
                            f"Rasa's component cache warm from `make train`).")
            systems["Variant: the same pipeline without the sentence encoder"] = predicted_intents(
                asyncio.run(parse_all(variant, texts)))
    systems["Baseline: TF-IDF + logistic regression"] = tfidf_baseline(train_all)(texts)
    systems["Baseline: keyword lexicon (situation classes)"] = keyword_baseline(train_sit)(texts)
    encoder_notes = " ".join(encoder_cost(name) for name in ("minilm", "mpnet"))

    RESULTS.mkdir(parents=True, exist_ok=True)
    plot_confusion(gold, tandem_pred, RESULTS / "confusion_matrix.png")
    labels = sorted(set(gold))
    per_class = f1_score(gold, tandem_pred, labels=labels, average=None, zero_division=0)
    tradeoff = clarification_tradeoff(gold, parses)

    lines = ["# Tandem quality benchmark", "",
             f"Held-out set: {len(test)} situation messages in {len(labels)} classes "
             f"(tests/nlu, written apart from the {len(train_sit)} situation training examples). "
             f"Reproduce with `make bench`.", "",
             "| system | top-1 | pole accuracy | macro-F1 |", "|---|---|---|---|"]
    for name, pred in systems.items():
        s = scores(gold, pred)
        lines.append(f"| {name} | {s['top1']:.3f} | {s['pole']:.3f} | {s['macro_f1']:.3f} |")
    lines += ["", f"Tandem parsed the held-out set in {tandem_seconds:.1f}s "
              f"({1000 * tandem_seconds / len(texts):.0f} ms/message, in process).",
              encoder_notes, variant_note, "",
              "Candidate encoders and weights, dev and test side by side: "
              "[candidates.md](candidates.md).", ""]
    lines += ["Server start-up, latency, load and memory: [runtime.md](runtime.md).", ""]
    lines += ["## Per-class F1 (Tandem)", "", "| class | F1 |", "|---|---|"]
    lines += [f"| {label} | {f:.2f} |" for label, f in zip(labels, per_class, strict=False)]
    lines += ["", "## Clarifying questions: threshold trade-off", "",
              "`confident`: minimum top confidence to answer without asking; `margin`: a "
              "different dimension this close also makes Tandem ask. `final` assumes the "
              "person picks the right dimension when it is among the buttons.", "",
              "| confident | margin | asks | accuracy when answering | final accuracy |",
              "|---|---|---|---|---|"]
    lines += [f"| {r['confident']:.2f} | {r['margin']:.2f} | {r['ask_rate']:.1%} | "
              f"{r['answered_acc']:.3f} | {r['final_acc']:.3f} |" for r in tradeoff]
    lines += ["", f"Current setting: confident={analysis.CONFIDENT}, margin={analysis.MARGIN}.",
              "", "![confusion matrix](confusion_matrix.png)", ""]
    (RESULTS / "quality.md").write_text("\n".join(lines), encoding="utf-8")
    print("\n".join(lines[:20]))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
