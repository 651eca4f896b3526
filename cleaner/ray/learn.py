"""Learning a character model on Ray (``cleaner learn --engine ray``): a
map-reduce of n-gram counts.

The driver chooses the vocabulary from the corpus's first characters (as
:func:`cleaner.typos.charmodel.learn` does: :func:`~cleaner.typos.charmodel.vocabulary_of`)
and cuts the JSON Lines files into byte ranges at line ends
(:func:`~cleaner.ray.io.plan_chunks`).  Repeated sentences are left out as
the local learner leaves them out, across ranges too: a first Ray task per
range gives the hashes of its sentences
(:func:`~cleaner.typos.charmodel.sentence_hashes`: the same in every
process), and the driver, reading them range after range in input order,
decides which ones the local learner would take for repeats
(:class:`~cleaner.typos.charmodel.Repeats`: its pieces, its memory of the
first ``REPEAT_MEMORY`` distinct sentences; a range is decided as soon as
its hashes and those of the ranges before it are in).  A second task per range then
counts the n-grams of its texts, told the places of its repeats
(:func:`~cleaner.typos.charmodel.count_texts`: sorted numpy arrays); the
driver adds the tables up in input order as they come
(:func:`~cleaner.typos.charmodel.merge_counts`), with at most ``window``
counting tasks waiting (and four times as many hashing ones: their
results are small), and makes the model
(:func:`~cleaner.typos.charmodel.from_counts`).  With ``keep_repeats``
there is no first pass.  A task that meets a bad record returns what is
wrong with it instead; the driver stops at the first in input order, where
the local command stops.

Counts of whole documents add up to those of the whole corpus, so while the
corpus's distinct n-grams fit the budget (``max_ngrams``) the model is the
local one, array for array (but for 64-bit hash collisions, which may
differ: the local learner hashes with Python's ``hash``).  Beyond the
budget, each task and the sum are pruned as the local learner prunes its
table (rare n-grams of order 3 and above), at points that depend on how the
corpus was cut: the model stays within the budget but may keep other rare
n-grams than the local one.  Memory: a task holds what the local learner
holds (its range's text and at most the budget of n-grams); the driver the
sum, the tables waiting, and what the local learner holds to find repeats
(8 bytes per remembered sentence: 32 MB at most; past that memory, the new
sentences of the piece being read, a few MB), with the places of the
repeats of the ranges waiting to be counted.
"""

from __future__ import annotations

import itertools
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any, TypeVar

import numpy as np

from ..errors import InputError
from ..records import BadRecord, Document, parse_record, read_jsonl
from ..textio import read_lines
from ..typos.charmodel import ORDER, CharModel, Counts, Repeats, Sentences, count_texts, from_counts, merge_counts, sentence_hashes, vocabulary_of
from .io import LineChunk, plan_chunks, read_range, split_lines
from .session import require_ray

__all__ = ["learn_jsonl_files"]

T = TypeVar("T")


def _texts(files: Sequence[str], field: str) -> Iterator[str]:
    """The texts the local ``cleaner learn --jsonl`` reads, in order (a bad
    record is left out here: the task that counts it says what is wrong)."""
    for name in files:
        for item in read_jsonl(read_lines(name), name, field):
            if isinstance(item, Document) and item.text.strip():
                yield item.text


def _range_texts(source: str, path: str, start: int, end: int, first_line: int, field: str) -> Iterator[str]:
    for k, raw in enumerate(split_lines(read_range(path, start, end))):
        item = parse_record(raw, first_line + k, source, field)
        if isinstance(item, BadRecord):
            raise InputError(f"{source}: line {item.line}: {item.reason}")
        if item is not None and item.text.strip():
            yield item.text


def _hash_range(source: str, path: str, start: int, end: int, first_line: int, *, field: str) -> Sentences | str:
    """A Ray task: the hashes of one byte range's sentences, or what is
    wrong with its first bad record (as the local command says it)."""
    try:
        return sentence_hashes(_range_texts(source, path, start, end, first_line, field))
    except InputError as exc:
        return str(exc)


def _count_range(source: str, path: str, start: int, end: int, first_line: int, seen: np.ndarray | None, *, field: str, vocab: str, order: int, max_ngrams: int | None, keep_repeats: bool) -> Counts | str:
    """A Ray task: the counts of one byte range's texts without the
    sentences ``seen`` before, or what is wrong with its first bad record."""
    try:
        return count_texts(_range_texts(source, path, start, end, first_line, field), vocab, order=order, max_ngrams=max_ngrams, keep_repeats=keep_repeats, seen=seen)
    except InputError as exc:
        return str(exc)


def _in_order(submit: Callable[[T], Any], items: Iterable[T], window: int) -> Iterator[tuple[T, Any]]:
    """Each item with the result of its task (``submit`` starts it), in the
    items' order, at most ``window`` tasks waiting; :class:`InputError` for
    a task that says what is wrong (a str)."""
    ray = require_ray()
    waiting: deque[tuple[T, Any]] = deque()
    for item in itertools.chain(items, [None]):
        if item is not None:
            waiting.append((item, submit(item)))
        while waiting and (item is None or len(waiting) >= window):
            done, ref = waiting.popleft()
            result = ray.get(ref)
            if isinstance(result, str):  # the first bad record in input order: the local command stops there
                raise InputError(result)
            yield done, result


def _decided(hashed: Iterable[tuple[LineChunk, Sentences]]) -> Iterator[tuple[LineChunk, np.ndarray]]:
    """Each range with the places of its sentences the corpus gave before
    (:class:`Repeats`), in input order."""
    repeats = Repeats()
    for c, sentences in hashed:
        yield c, repeats.add(sentences)


def range_bytes(max_ngrams: int | None) -> int:
    """The most bytes of JSON Lines a learning task reads by default: a
    quarter of the n-gram budget (4 MiB at the default budget; at least 1
    MiB), so that a range's distinct n-grams stay within the budget and no
    task prunes its own part (which drops n-grams the sum would keep).  On
    305 MB of news-like text (2 CPUs), ranges of 38 MiB gave 5.15M n-grams,
    8 MiB 12.05M, 4 MiB 13.6M, where the local learner keeps 13.9M; the time
    the same (29.0, 27.6 and 28.5 s).  No budget: 64 MiB.

    >>> range_bytes(16_000_000), range_bytes(None) == 64 << 20
    (4000000, True)
    """
    return 64 << 20 if max_ngrams is None else max(1 << 20, max_ngrams // 4)


def learn_jsonl_files(
    files: Sequence[str],
    *,
    field: str = "text",
    order: int = ORDER,
    max_ngrams: int | None = 16_000_000,
    min_count: int = 1,
    chunk_bytes: int | None = None,
    window: int | None = None,
    keep_repeats: bool = False,
) -> CharModel:
    """The model :func:`cleaner.typos.charmodel.learn` makes of the texts
    in the string field ``field`` of the records of UTF-8 JSON Lines
    ``files`` (blank texts left out, as ``cleaner learn`` leaves them),
    counted by Ray tasks, one per byte range of about ``chunk_bytes``
    (default: four per CPU, from 1 MiB to :func:`range_bytes` of the
    budget); at most ``window`` counted ranges
    wait for the driver (default: two per CPU), and four times as many
    hashed ones.  :class:`InputError`
    for the first bad record, as the local command says it.  Ray must be
    running (:func:`cleaner.ray.init`); the workers read the files by path.
    A sentence the corpus repeats is left out as the local learner leaves
    it out, wherever its first print is (``keep_repeats``: kept): a first
    pass hashes each range's sentences, the driver decides which are
    repeats, a second pass counts."""
    ray = require_ray()
    if window is None:
        window = max(2, 2 * int(ray.cluster_resources().get("CPU", 1)))
    plan = plan_chunks(files, chunk_bytes, most_bytes=range_bytes(max_ngrams))  # byte ranges and their first line numbers
    vocab = vocabulary_of(_texts(files, field), keep_repeats=keep_repeats)
    hash_task, count_task = ray.remote(_hash_range), ray.remote(_count_range)
    options = {"field": field, "vocab": vocab, "order": order, "max_ngrams": max_ngrams, "keep_repeats": keep_repeats}
    jobs: Iterable[tuple[LineChunk, np.ndarray | None]]
    if keep_repeats:
        jobs = ((c, None) for c in plan.chunks)
    else:
        jobs = _decided(_in_order(lambda c: hash_task.remote(c.source, c.path, c.start, c.end, c.first_line, field=field), plan.chunks, 4 * window))  # (small results: the hashes run ahead of the counts)
    counted = _in_order(lambda job: count_task.remote(job[0].source, job[0].path, job[0].start, job[0].end, job[0].first_line, job[1], **options), jobs, window)
    return from_counts(vocab, merge_counts(part for _, part in counted), order=order, max_ngrams=max_ngrams, min_count=min_count)
