"""``python -m benchmarks.inject``: write a corpus, or damage your own paragraphs."""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
from collections.abc import Sequence
from pathlib import Path

from .corpora import CORPORA, DEFAULT_SEED, build_corpus
from .documents import Document, inject_paragraphs
from .registry import CLASSES, LANGS, REPAIRED_BY, classes_for, needs_ocr
from .sources import MissingData, ocr_confusions

__all__ = ["main"]


def _read_paragraphs(path: Path) -> list[str]:
    text = path.read_text(encoding="utf-8")
    return [p.strip() for p in re.split(r"\n\s*\n|\n", text) if p.strip()]


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.inject",
        description="Inject recorded artifacts into clean paragraphs, with a fixed seed.",
    )
    parser.add_argument("corpus", nargs="?", help=f"a corpus name: {', '.join(CORPORA)}")
    parser.add_argument("--input", type=Path, help="a UTF-8 file of clean paragraphs (one per line or per blank-line block) instead of a corpus")
    parser.add_argument("--lang", choices=sorted(LANGS), default="zh", help="language of --input (default zh)")
    parser.add_argument("--classes", default="", help="comma-separated classes for --input (default: all that apply)")
    parser.add_argument("--layout", choices=("blank", "lines"), default="blank")
    parser.add_argument("--rate", type=float, default=0.6)
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--out", type=Path, help="write ID.txt, ID.gold.txt and injections.jsonl here; default: JSON Lines documents on stdout")
    parser.add_argument("--list", action="store_true", help="list corpora and classes")
    return parser


def _list() -> None:
    for spec in CORPORA.values():
        print(f"{spec.name}\t{spec.kind}\t{spec.n_docs} documents\t{','.join(spec.classes) or '-'}")
    for c in CLASSES:
        print(f"class {c}\trepaired by {REPAIRED_BY[c]}")


def _from_input(args: argparse.Namespace) -> list[Document]:
    """The paragraphs of ``--input`` damaged as one document."""
    classes = [c for c in args.classes.split(",") if c] or classes_for(args.lang)
    ocr = ocr_confusions() if needs_ocr(classes) else None
    return [
        inject_paragraphs(
            _read_paragraphs(args.input), lang=args.lang, classes=classes, rng=random.Random(args.seed),
            layout=args.layout, rate=args.rate, doc_id=args.input.stem, ocr=ocr,
        )
    ]


def _write(docs: Sequence[Document], out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    with open(out / "injections.jsonl", "w", encoding="utf-8") as fh:
        for d in docs:
            (out / f"{d.id}.txt").write_text(d.text, encoding="utf-8")
            (out / f"{d.id}.gold.txt").write_text(d.gold, encoding="utf-8")
            for inj in d.injections:
                fh.write(json.dumps({"document": d.id, **inj.to_dict()}, ensure_ascii=False) + "\n")
    n = sum(len(d.injections) for d in docs)
    print(f"wrote {len(docs)} documents and {n} injections to {out}", file=sys.stderr)


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m benchmarks.inject``: write a corpus, or damage your own paragraphs."""
    parser = _parser()
    args = parser.parse_args(argv)
    if args.list:
        _list()
        return 0
    try:
        if args.input is not None:
            docs = _from_input(args)
        elif args.corpus:
            docs = build_corpus(args.corpus, seed=args.seed)
        else:
            parser.error("give a corpus name, --input FILE or --list")
    except (ValueError, MissingData) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if args.out is None:
        for d in docs:
            print(json.dumps(d.to_dict(), ensure_ascii=False))
    else:
        _write(docs, args.out)
    return 0
