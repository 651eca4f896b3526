"""Learning a character model on Ray (``cleaner learn --engine ray``): a
map-reduce of n-gram counts.

The driver chooses the vocabulary from the corpus's first characters (as
:func:`cleaner.typos.charmodel.learn` does: :func:`~cleaner.typos.charmodel.vocabulary_of`),
cuts the JSON Lines files into byte ranges at line ends
(:func:`~cleaner.ray.io.plan_chunks`), and a Ray task counts the n-grams of
each range (:func:`~cleaner.typos.charmodel.count_texts`: sorted numpy
arrays).  The driver adds the tables up in input order as they come
(:func:`~cleaner.typos.charmodel.merge_counts`), with at most ``window``
tables waiting, and makes the model
(:func:`~cleaner.typos.charmodel.from_counts`).  A task that meets a bad
record returns what is wrong with it instead; the driver stops at the first
in input order, where the local command stops.

Counts of whole documents add up to those of the whole corpus, so while the
corpus's distinct n-grams fit the budget (``max_ngrams``) the model is the
local one, array for array, except where two ranges give the same
sentence: each task leaves out the sentences its range repeats (as the
local learner leaves out those the corpus repeats), not those another
range gave.
Beyond the budget, each task and the sum are pruned as
the local learner prunes its table (rare n-grams of order 3 and above), at
points that depend on how the corpus was cut: the model stays within the
budget but may keep other rare n-grams than the local one.  Memory: a task
holds what the local learner holds (its range's text and at most the budget
of n-grams); the driver the sum and the tables waiting.
"""

from __future__ import annotations

import itertools
from collections import deque
from collections.abc import Iterator, Sequence

from ..errors import InputError
from ..records import BadRecord, Document, parse_record, read_jsonl
from ..textio import read_lines
from ..typos.charmodel import ORDER, CharModel, Counts, count_texts, from_counts, merge_counts, vocabulary_of
from .io import plan_chunks, read_range, split_lines
from .session import require_ray

__all__ = ["learn_jsonl_files"]


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


def _count_range(source: str, path: str, start: int, end: int, first_line: int, *, field: str, vocab: str, order: int, max_ngrams: int | None, keep_repeats: bool) -> Counts | str:
    """A Ray task: the counts of one byte range's texts, or what is wrong
    with its first bad record (as the local command says it)."""
    try:
        return count_texts(_range_texts(source, path, start, end, first_line, field), vocab, order=order, max_ngrams=max_ngrams, keep_repeats=keep_repeats)
    except InputError as exc:
        return str(exc)


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
    (default: four per CPU, 1 to 64 MiB); at most ``window`` counted ranges
    wait for the driver (default: two per CPU).  :class:`InputError` for the
    first bad record, as the local command says it.  Ray must be running
    (:func:`cleaner.ray.init`); the workers read the files by path.  A
    sentence repeated within a range is learned once (``keep_repeats``);
    one that two ranges both give is counted in each, so a corpus that
    repeats sentences far apart gets a model a little unlike the local one."""
    ray = require_ray()
    if window is None:
        window = max(2, 2 * int(ray.cluster_resources().get("CPU", 1)))
    plan = plan_chunks(files, chunk_bytes)  # byte ranges and their first line numbers
    vocab = vocabulary_of(_texts(files, field), keep_repeats=keep_repeats)
    task = ray.remote(_count_range)
    options = {"field": field, "vocab": vocab, "order": order, "max_ngrams": max_ngrams, "keep_repeats": keep_repeats}
    ranges = iter(plan.chunks)

    def counted() -> Iterator[Counts]:
        waiting: deque[object] = deque()
        for c in itertools.chain(ranges, [None]):
            if c is not None:
                waiting.append(task.remote(c.source, c.path, c.start, c.end, c.first_line, **options))
            while waiting and (c is None or len(waiting) >= window):
                part = ray.get(waiting.popleft())
                if isinstance(part, str):  # the first bad record in input order: the local command stops there
                    raise InputError(part)
                yield part

    return from_counts(vocab, merge_counts(counted(), max_ngrams=max_ngrams), order=order, max_ngrams=max_ngrams, min_count=min_count)
