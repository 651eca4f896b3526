"""Records in, records out: cleaning and corpus dedup over dicts, for pipelines.

A corpus in a pipeline is a stream of records (dicts from JSON Lines, rows
of a Hugging Face dataset, documents of a datatrove pipeline), one of whose
fields holds the text.  :func:`clean_records` and :func:`dedup_records`
take such a stream and give it back with only that field changed, through
the engines the commands use (:func:`cleaner.runner.clean_documents`,
:func:`cleaner.dedup.corpus.dedup_corpus`).  A dict that comes through
cleaning unchanged is the object that went in (after dedup: an equal copy,
read back from disk); a changed record is a new dict (the input is never
modified), and so is any other mapping.  With ``with_edits=True`` each record comes with
its :class:`cleaner.records.Result` (the edits on its text, the
suggestions), whose :meth:`~cleaner.records.Result.to_dict` is JSON.

>>> recs = [{"id": 1, "text": "今天,我们去公园。"}, {"id": 2, "text": "天气很好。"}]
>>> list(clean_records(recs, only=["width"]))
[{'id': 1, 'text': '今天，我们去公园。'}, {'id': 2, 'text': '天气很好。'}]
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections import deque
from collections.abc import Generator, Iterable, Iterator, Mapping
from typing import Any, Literal, overload

from .config import Config, make_config
from .dedup.corpus import DedupOptions, DedupResult, dedup_corpus, document_spool, new_index_rows
from .dedup.index import SeenIndex, index_params
from .dedup.lsh import LSHParams
from .dedup.rule import NAME as DEDUP
from .edits import Edit, apply_edits
from .records import Document, Result
from .runner import clean_documents

__all__ = ["clean_records", "dedup_records", "record_text"]

#: a record in a stream: any mapping from field names to values
Record = Mapping[str, Any]
#: what :func:`clean_records` and :func:`dedup_records` yield with ``with_edits=True``:
#: the record out (None when it is left out) and what happened to its text
Outcome = tuple[dict[str, Any] | None, Result]


def record_text(record: Record, n: int, *, field: str, id_field: str | None = None) -> tuple[str, str]:
    """The id and the text of record number ``n`` (from 0): its ``id_field``
    (as a string), else ``record N``; the text is its ``field``, a string.

    >>> record_text({"text": "今天"}, 3, field="text")
    ('record 3', '今天')
    >>> record_text({"url": "a.cn/1", "body": "今天"}, 0, field="body", id_field="url")
    ('a.cn/1', '今天')
    >>> record_text({"body": "今天"}, 0, field="text")
    Traceback (most recent call last):
    ...
    ValueError: record 0 has no field 'text' (its fields: body); choose the text's field with field=...
    """
    if not isinstance(record, Mapping):
        raise TypeError(f"record {n} is a {type(record).__name__}, not a mapping (a dict of fields)")
    if field not in record:
        raise ValueError(f"record {n} has no field {field!r} (its fields: {', '.join(map(str, record))}); choose the text's field with field=...")
    text = record[field]
    if not isinstance(text, str):
        raise ValueError(f"record {n}: field {field!r} is a {type(text).__name__}, not a string")
    if id_field is None:
        return f"record {n}", text
    if id_field not in record:
        raise ValueError(f"record {n} has no id field {id_field!r}; choose another with id_field=..., or None to number the records")
    return str(record[id_field]), text


def _replaced(record: Record, field: str, text: str) -> dict[str, Any]:
    """The record with ``field`` set to ``text``: itself when that is its text
    (and it is a dict), else a shallow copy."""
    if isinstance(record, dict) and record[field] == text:
        return record
    out = dict(record)
    out[field] = text
    return out


def _emptied(before: str, after: str) -> bool:
    """Whether cleaning left nothing of a text that had something."""
    return bool(before.strip()) and not after.strip()


@overload
def clean_records(
    records: Iterable[Record], *, field: str = ..., id_field: str | None = ..., config: Config | None = ...,
    jobs: int = ..., drop_empty: bool = ..., with_edits: Literal[False] = ..., **options: Any,
) -> Generator[dict[str, Any], None, None]: ...
@overload
def clean_records(
    records: Iterable[Record], *, field: str = ..., id_field: str | None = ..., config: Config | None = ...,
    jobs: int = ..., drop_empty: bool = ..., with_edits: Literal[True], **options: Any,
) -> Generator[Outcome, None, None]: ...
def clean_records(
    records: Iterable[Record],
    *,
    field: str = "text",
    id_field: str | None = None,
    config: Config | None = None,
    jobs: int = 1,
    drop_empty: bool = False,
    with_edits: bool = False,
    **options: Any,
) -> Generator[dict[str, Any], None, None] | Generator[Outcome, None, None]:
    """Clean the ``field`` of each record, lazily, in input order.

    Other keys are kept; a record whose text does not change is yielded as
    the same object.  Options are those of :func:`cleaner.explain` (a
    ``config`` and/or the fields of :class:`cleaner.Config`), checked before
    the first record is read.  ``jobs > 1`` cleans in worker processes
    (:func:`cleaner.runner.clean_documents`: bounded batches in flight, so
    memory does not grow with the stream).  ``drop_empty`` leaves out a
    record that cleaning emptied (one that held only a footer, say).  With
    ``with_edits=True``, yields ``(record, result)``: the :class:`Result`
    names the record by its ``id_field`` (else ``record N``, from 0), and
    a record left out comes as ``(None, result)``.

    >>> out = list(clean_records([{"text": "博士,你好"}], only=["width"], with_edits=True))
    >>> out[0][0], [e.to_dict() for e in out[0][1].edits]
    ({'text': '博士，你好'}, [{'rule': 'width', 'start': 2, 'end': 3, 'before': ',', 'after': '，'}])
    >>> list(clean_records([{"正文": "你好"}]))
    Traceback (most recent call last):
    ...
    ValueError: record 0 has no field 'text' (its fields: 正文); choose the text's field with field=...
    """
    cfg = make_config(base=config, **options)
    if jobs < 1:
        raise ValueError(f"jobs must be at least 1, not {jobs}")
    return _cleaned(records, field, id_field, cfg, jobs, drop_empty, with_edits)


def _cleaned(
    records: Iterable[Record], field: str, id_field: str | None, cfg: Config, jobs: int, drop_empty: bool, with_edits: bool
) -> Generator[Any, None, None]:
    waiting: deque[Record] = deque()  # records whose documents are being cleaned, in order

    def documents() -> Iterator[Document]:
        for n, record in enumerate(records):
            doc_id, text = record_text(record, n, field=field, id_field=id_field)
            waiting.append(record)
            yield Document(doc_id, text)

    for r in clean_documents(documents(), cfg, jobs=jobs):
        record = waiting.popleft()
        out = None if drop_empty and _emptied(r.document.text, r.text) else _replaced(record, field, r.text)
        if with_edits:
            yield out, r
        elif out is not None:
            yield out


@overload
def dedup_records(
    records: Iterable[Record], *, field: str = ..., id_field: str | None = ..., level: str = ..., dedup_threshold: float = ...,
    dedup_min_chars: int = ..., dedup_keep: str = ..., numbers: bool = ..., jobs: int = ..., drop_empty: bool = ...,
    with_edits: Literal[False] = ..., workdir: str | None = ..., index: str | os.PathLike[str] | None = ...,
) -> Generator[dict[str, Any], None, None]: ...
@overload
def dedup_records(
    records: Iterable[Record], *, field: str = ..., id_field: str | None = ..., level: str = ..., dedup_threshold: float = ...,
    dedup_min_chars: int = ..., dedup_keep: str = ..., numbers: bool = ..., jobs: int = ..., drop_empty: bool = ...,
    with_edits: Literal[True], workdir: str | None = ..., index: str | os.PathLike[str] | None = ...,
) -> Generator[Outcome, None, None]: ...
def dedup_records(
    records: Iterable[Record],
    *,
    field: str = "text",
    id_field: str | None = None,
    level: str = "paragraph",
    dedup_threshold: float = 90.0,
    dedup_min_chars: int = 12,
    dedup_keep: str = "first",
    numbers: bool = False,
    jobs: int = 1,
    drop_empty: bool = False,
    with_edits: bool = False,
    workdir: str | None = None,
    index: str | os.PathLike[str] | None = None,
) -> Generator[dict[str, Any], None, None] | Generator[Outcome, None, None]:
    """Drop the paragraphs (``level="document"``: the records) that repeat
    earlier ones anywhere in the stream, as ``cleaner dedup`` does, with its
    options (:class:`cleaner.dedup.corpus.DedupOptions`, checked before the
    first record is read).

    The whole stream is read before the first record comes out (a later
    record can only be judged against all the others).  What is held
    meanwhile: in memory, about 150 bytes per paragraph and 20 per verified
    duplicate pair (the matching keys and band keys go to temporary files);
    on disk, in a temporary folder under ``workdir`` (default: the system's),
    those keys and a pickled copy of every record, read back for the output
    and removed when the generator ends or is closed.

    A record that loses nothing comes out equal to the one that went in (a
    copy: it was read back from disk); a paragraph dropped takes its
    separator with it.  ``drop_empty`` leaves out a record
    left with no text; at the document level a duplicate record is always
    left out.  With ``with_edits=True``, yields ``(record, result)`` for
    every record, ``(None, result)`` for one left out: the result's edits
    remove the dropped paragraphs (the whole text at the document level),
    each with the similarity and a note naming what it repeats.

    ``index``, the path of an SQLite index (``cleaner dedup --index``; made
    if missing), also drops what earlier runs kept, and takes this run's
    kept paragraphs once the last record has been taken: a stream closed
    before its end leaves the index as it was.  The index is locked while
    the stream is open (a second stream on it raises
    :class:`cleaner.errors.InputError`).

    >>> recs = [{"id": "a", "text": "第一段的内容足够长，不会被跳过。\\n\\n第二段的内容也够长，同样参与比较。"},
    ...         {"id": "b", "text": "第三段是新的内容，应当保留下来。\\n\\n第二段的内容也够长！同样参与比较！"}]
    >>> [r["text"] for r in dedup_records(recs)]
    ['第一段的内容足够长，不会被跳过。\\n\\n第二段的内容也够长，同样参与比较。', '第三段是新的内容，应当保留下来。']
    >>> [(rec == recs[i], [e.note for e in res.edits]) for i, (rec, res) in enumerate(dedup_records(recs, id_field="id", with_edits=True))]
    [(True, []), (False, ['duplicate of paragraph 1 of a (similarity 100.0)'])]
    """
    options = DedupOptions(
        level=level, dedup_threshold=dedup_threshold, dedup_min_chars=dedup_min_chars, dedup_keep=dedup_keep, numbers=numbers, jobs=jobs,
        params=index_params(index, default=LSHParams()) if index is not None else LSHParams(),
    )
    return _deduped(records, field, id_field, options, drop_empty, with_edits, workdir, index)


def _deduped(
    records: Iterable[Record], field: str, id_field: str | None, options: DedupOptions, drop_empty: bool, with_edits: bool,
    workdir: str | None, index: str | os.PathLike[str] | None,
) -> Generator[Any, None, None]:
    with contextlib.ExitStack() as stack:
        folder = stack.enter_context(tempfile.TemporaryDirectory(prefix="cleaner-dedup-", dir=workdir))
        write, read_back = stack.enter_context(document_spool(folder))
        seen = stack.enter_context(SeenIndex(index, params=options.params)) if index is not None else None

        def documents() -> Iterator[tuple[str, str]]:
            for n, record in enumerate(records):
                doc_id, text = record_text(record, n, field=field, id_field=id_field)
                write(n, (doc_id, record))
                yield doc_id, text

        res = dedup_corpus(documents(), options=options, index=seen, workdir=folder)
        stack.callback(res.close)
        try:
            for d, (doc_id, record) in enumerate(read_back()):
                text = record[field]
                edits = _drop_edits(res, d, text)
                after = apply_edits(text, edits)
                gone = (options.level == "document" and bool(edits)) or (drop_empty and _emptied(text, after))
                out = None if gone else _replaced(record, field, after)
                if with_edits:
                    yield out, Result(Document(doc_id, text), after, tuple(edits), ())
                elif out is not None:
                    yield out
            if seen is not None:  # every record was taken: the run counts
                seen.begin_run()
                seen.add(*new_index_rows(res), options.level)
                seen.finish_run()
        except BaseException:
            if seen is not None:
                seen.abandon_run()
            raise


def _drop_edits(res: DedupResult, d: int, text: str) -> list[Edit]:
    """The edits that take document ``d``'s dropped units out of ``text``: its
    paragraphs, or at the document level the whole text (one edit naming the
    record it repeats)."""
    if res.options.level != "document":
        return res.edits(d, text)
    drops = res.drops(d)
    if not drops:
        return []
    ref, score = next(iter(drops.values()))  # a document is one unit
    if ref <= -2:  # kept by an earlier run, in the index
        unit = res.indexed[-(ref + 2)]
        where = f"{unit.document} (index run {unit.run})"
    else:
        where = res.doc_ids[int(res.doc_of[ref])]
    return [Edit(DEDUP, 0, len(text), text, "", score, None, f"duplicate of {where} (similarity {score:.1f})")]
