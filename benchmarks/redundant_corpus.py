"""A redundant corpus for ``cleaner dedup`` at scale, and its recall (issue 11.20).

About 1,000 real news articles (THUCNews, read from ``../shared/evaldata``
at run time, never copied) are cut into paragraphs of two to four
sentences; each document is a run of consecutive paragraphs of one article.
Some paragraphs are planted as near copies (one to three characters
changed), and a document may begin or end inside a paragraph (a cut copy).
Every paragraph is labelled with its source paragraph, so the recall of the
planted copies can be measured from the command's report:

    python benchmarks/redundant_corpus.py make corpus.jsonl --mb 50
    cleaner dedup --jsonl corpus.jsonl -o out.jsonl --report report.jsonl
    python benchmarks/redundant_corpus.py recall corpus.jsonl report.jsonl

Records are ``{"id", "text", "src"}``; ``src[i]`` labels paragraph ``i`` of
the text: ``"a:p"`` (article a, paragraph p) for a whole paragraph and its
near copies, ``null`` for a cut piece.  Recall counts, for each source
paragraph, every labelled occurrence after the first that the report
drops; a near copy differs from the source by at most 3 characters in at
least 60, so it is within the default threshold of 90 of every other copy.

Measured 2026-12-03 (``-j1``, peak RSS by ``/usr/bin/time -v``, on a
shared 2-core machine; "loaded" runs shared it with a load of 8 to 13):

=======  ==========  ==========================  ==========================  ======
corpus   paragraphs  before (peak, wall)         after (peak, wall)          recall
=======  ==========  ==========================  ==========================  ======
50 MB    120,157     349 MB, 0:24                171 MB, 0:22                0.9994
200 MB   481,608     1.38 GB, 17:00 (loaded)     639 MB, 2:27                0.9997
400 MB   964,592     not run                     1.16 GB, 18:05 (loaded)     0.9998
=======  ==========  ==========================  ==========================  ======

The "after" runs predate freeing each batch's band keys (160 bytes per
paragraph less; 50 MB in process: 155 MB peak after, 171 MB before).  Of
the 1.16 GB, 376 MB were pages of the memory-mapped key store (file pages
the kernel can drop).  Recall was the same before and after; before, the
50 MB output was byte for byte the same.  1 GB (874,213 documents,
2,411,133 paragraphs, 36.5M candidate pairs) with the final code: 2.41 GB
peak (about 0.95 GB anonymous, 0.9 GB key store pages, sampled), 17:28,
recall 0.9998.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

EVALDATA = Path(os.environ.get("CLEANER_EVALDATA", Path(__file__).resolve().parent.parent.parent / "shared" / "evaldata"))
SOURCE = "prose/thucnews_cnews_val_1000.tsv"

_SENTENCE = re.compile(r"[^。！？]+[。！？]+")
_NOISE = "的一是了在人有这中大来上国个到说们为子和你地出道也时年"


def articles(path: Path | None = None) -> list[list[str]]:
    """Each article's paragraphs (two to four sentences, at least 60 characters)."""
    src = path or EVALDATA / SOURCE
    if not src.exists():
        sys.exit(f"{src} is not there: set CLEANER_EVALDATA to the folder that holds {SOURCE}")
    out: list[list[str]] = []
    rng = random.Random(0)
    for line in src.read_text(encoding="utf-8").splitlines():
        text = line.split("\t", 1)[-1]
        sentences = _SENTENCE.findall(text)
        paras: list[str] = []
        while sentences:
            k = rng.randint(2, 4)
            para = "".join(sentences[:k]).strip()
            sentences = sentences[k:]
            if len(para) >= 60:
                paras.append(para)
        if len(paras) >= 2:
            out.append(paras)
    return out


def _near(rng: random.Random, para: str) -> str:
    chars = list(para)
    for _ in range(rng.randint(1, 3)):
        chars[rng.randrange(len(chars))] = rng.choice(_NOISE)
    return "".join(chars)


def documents(arts: list[list[str]], *, target_bytes: int, seed: int = 1) -> Iterator[dict[str, object]]:
    """Records until ``target_bytes`` of text (see the module docstring)."""
    rng = random.Random(seed)
    n = 0
    size = 0
    while size < target_bytes:
        a = rng.randrange(len(arts))
        paras = arts[a]
        k = rng.randint(1, min(6, len(paras)))
        first = rng.randrange(len(paras) - k + 1)
        texts: list[str] = []
        src: list[str | None] = []
        for p in range(first, first + k):
            para, label = paras[p], f"{a}:{p}"
            if rng.random() < 0.3:
                para = _near(rng, para)
            texts.append(para)
            src.append(label)
        if rng.random() < 0.3:  # begins inside its first paragraph
            texts[0] = texts[0][rng.randrange(5, len(texts[0]) - 5) :]
            src[0] = None
        if rng.random() < 0.3 and (len(texts) > 1 or src[0] is not None):  # ends inside its last one
            texts[-1] = texts[-1][: rng.randrange(5, len(texts[-1]) - 5)]
            src[-1] = None
        text = "\n\n".join(texts)
        yield {"id": f"doc{n}", "text": text, "src": src}
        n += 1
        size += len(text.encode("utf-8"))


def recall(corpus: Path, report: Path) -> dict[str, float]:
    """Recall of the planted copies, and how many unlabelled (cut) paragraphs went."""
    expected: set[tuple[int, int]] = set()
    seen: Counter[str] = Counter()
    labels: dict[tuple[int, int], str | None] = {}
    with corpus.open(encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            for i, s in enumerate(json.loads(line)["src"]):
                labels[(n, i)] = s
                if s is not None:
                    if seen[s]:
                        expected.add((n, i))
                    seen[s] += 1
    dropped: set[tuple[int, int]] = set()
    with report.open(encoding="utf-8") as fh:
        for line in fh:
            row = json.loads(line)  # the command names a record "file:line"
            dropped.add((int(row["document"].rsplit(":", 1)[1]), row["paragraph"]))
    hit = len(expected & dropped)
    cut_dropped = sum(1 for k in dropped if labels.get(k) is None)
    return {
        "planted_copies": len(expected),
        "dropped": len(dropped),
        "recall": round(hit / max(1, len(expected)), 4),
        "dropped_cut_pieces": cut_dropped,
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    mk = sub.add_parser("make", help="write a redundant corpus as JSON Lines")
    mk.add_argument("out")
    mk.add_argument("--mb", type=float, default=50.0, help="size of the text in MB (default 50)")
    mk.add_argument("--seed", type=int, default=1)
    rc = sub.add_parser("recall", help="recall of the planted copies from a --report file")
    rc.add_argument("corpus")
    rc.add_argument("report")
    args = ap.parse_args(argv)
    if args.cmd == "make":
        ndocs = paras = 0
        with open(args.out, "w", encoding="utf-8") as fh:
            for d in documents(articles(), target_bytes=int(args.mb * 1e6), seed=args.seed):
                fh.write(json.dumps(d, ensure_ascii=False) + "\n")
                ndocs += 1
                paras += len(d["src"])  # type: ignore[arg-type]
        print(f"{args.out}: {ndocs} documents, {paras} paragraphs", file=sys.stderr)
    else:
        print(json.dumps(recall(Path(args.corpus), Path(args.report))))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
