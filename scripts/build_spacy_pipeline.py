"""Build Tandem's offline spaCy pipeline: blank English, lookup lemmatizer, sentencizer.

No model is downloaded: the lemma table comes from the spacy-lookups-data wheel.
"""

import argparse
import sys
from pathlib import Path

import spacy

DEFAULT_OUTPUT = Path("build/spacy/en_tandem")


def build(output: Path) -> Path:
    """Create the pipeline and save it to `output`; returns the path."""
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
    nlp.initialize()
    output.parent.mkdir(parents=True, exist_ok=True)
    nlp.to_disk(output)
    return output


def main(argv: list) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT)
    args = parser.parse_args(argv)
    path = build(args.output)
    nlp = spacy.load(path)
    doc = nlp("She was running late. He cancels on me again!")
    print(f"built {path}: pipes={nlp.pipe_names} "
          f"lemmas={[t.lemma_ for t in doc][:4]} sentences={len(list(doc.sents))}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
