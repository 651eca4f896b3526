"""Streaming documents through the pipeline: the engine under the command.

Documents are read lazily (a text file is one document, a JSON Lines record
is one document), cleaned in order (in worker processes with ``jobs > 1``,
the output order still the input order), and accounted for in :class:`Stats`,
which adds up across runs and serialises to JSON.
"""

from __future__ import annotations

import json
import os
import signal
from collections import Counter, deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from .config import Config
from .edits import Edit, Suggestion
from .pipeline import explain
from .textio import InputError, decode

__all__ = ["Document", "Result", "Stats", "read_jsonl", "clean_documents", "BadRecord"]


@dataclass(slots=True)
class Document:
    """One unit of cleaning: its id (``path`` or ``path:line``), its text, and
    for JSON Lines the record it came from."""

    id: str
    text: str
    record: dict[str, Any] | None = None
    field: str = "text"
    encoding: str = "utf-8"
    nbytes: int = 0  # bytes it took in the input (for progress)


@dataclass(frozen=True, slots=True)
class BadRecord:
    """A JSON Lines record that cannot be cleaned, with the reason."""

    id: str
    line: int
    raw: bytes
    reason: str


@dataclass(slots=True)
class Result:
    document: Document
    text: str
    edits: tuple[Edit, ...]
    suggestions: tuple[Suggestion, ...]

    def output_record(self) -> dict[str, Any]:
        assert self.document.record is not None
        rec = dict(self.document.record)
        rec[self.document.field] = self.text
        return rec


@dataclass
class Stats:
    """Counts that add up: documents, characters in and out, edits per rule,
    paragraphs dropped, bad records skipped."""

    documents: int = 0
    chars_in: int = 0
    chars_out: int = 0
    bytes_in: int = 0
    edits: Counter[str] = field(default_factory=Counter)
    suggestions: int = 0
    dropped_paragraphs: int = 0
    bad_records: int = 0

    def add(self, r: Result) -> None:
        self.documents += 1
        self.bytes_in += r.document.nbytes
        self.chars_in += len(r.document.text)
        self.chars_out += len(r.text)
        for e in r.edits:
            for name in e.rules:
                self.edits[name] += 1
            if "dedup" in e.rules:
                self.dropped_paragraphs += 1
        self.suggestions += len(r.suggestions)

    def __add__(self, other: Stats) -> Stats:
        return Stats(
            self.documents + other.documents,
            self.chars_in + other.chars_in,
            self.chars_out + other.chars_out,
            self.bytes_in + other.bytes_in,
            self.edits + other.edits,
            self.suggestions + other.suggestions,
            self.dropped_paragraphs + other.dropped_paragraphs,
            self.bad_records + other.bad_records,
        )

    def to_json(self) -> str:
        d = {
            "documents": self.documents,
            "chars_in": self.chars_in,
            "chars_out": self.chars_out,
            "bytes_in": self.bytes_in,
            "edits": dict(sorted(self.edits.items())),
            "suggestions": self.suggestions,
            "dropped_paragraphs": self.dropped_paragraphs,
            "bad_records": self.bad_records,
        }
        return json.dumps(d, ensure_ascii=False, sort_keys=True)

    @classmethod
    def from_json(cls, s: str) -> Stats:
        d = json.loads(s)
        d["edits"] = Counter(d["edits"])
        return cls(**d)

    def summary(self) -> str:
        per_rule = ", ".join(f"{k} {v}" for k, v in sorted(self.edits.items())) or "none"
        bad = f"; {self.bad_records} bad records" if self.bad_records else ""
        return (
            f"cleaner: {self.documents} documents, {self.chars_in} characters in, {self.chars_out} out; "
            f"edits: {per_rule}; {self.dropped_paragraphs} paragraphs dropped; "
            f"{self.suggestions} suggestions{bad}"
        )


def read_jsonl(
    stream: Iterable[bytes], name: str, field_name: str
) -> Iterator[Document | BadRecord]:
    """Documents from JSON Lines bytes, one per record; a record that is not
    valid UTF-8, not valid JSON, not an object, or lacks a string ``field_name``
    comes out as a :class:`BadRecord` with its line number and reason."""
    for lineno, raw in enumerate(stream, 1):
        if not raw.strip():
            continue
        doc_id = f"{name}:{lineno}"
        try:
            line = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            yield BadRecord(doc_id, lineno, raw, f"invalid UTF-8 at byte {exc.start}")
            continue
        try:
            rec = json.loads(line)
        except json.JSONDecodeError as exc:
            yield BadRecord(doc_id, lineno, raw, f"invalid JSON: {exc.msg} at column {exc.colno}")
            continue
        if not isinstance(rec, dict):
            yield BadRecord(doc_id, lineno, raw, f"a JSON {type(rec).__name__}, not an object")
            continue
        if field_name not in rec:
            yield BadRecord(doc_id, lineno, raw, f"no field {field_name!r} (use --field to choose one)")
            continue
        value = rec[field_name]
        if not isinstance(value, str):
            yield BadRecord(doc_id, lineno, raw, f"field {field_name!r} is a {type(value).__name__}, not a string")
            continue
        yield Document(doc_id, value, rec, field_name, nbytes=len(raw))


def read_text_file(path: str, data: bytes, encoding: str | None) -> Document:
    text, enc = decode(data, path, encoding)
    return Document(path, text, None, encoding=enc)


def _clean_one(doc: Document, config: Config) -> Result:
    r = explain(doc.text, config=config)
    return Result(doc, r.text, r.edits, r.suggestions)


def _clean_batch(batch: list[Document], config: Config) -> list[Result]:
    return [_clean_one(d, config) for d in batch]


def _worker_init() -> None:
    # The parent handles Ctrl-C and SIGTERM and stops the workers itself.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if hasattr(signal, "SIGTERM"):
        signal.signal(signal.SIGTERM, signal.SIG_DFL)


def _batches(docs: Iterable[Document], max_chars: int, max_docs: int) -> Iterator[list[Document]]:
    batch: list[Document] = []
    size = 0
    for d in docs:
        batch.append(d)
        size += len(d.text)
        if size >= max_chars or len(batch) >= max_docs:
            yield batch
            batch, size = [], 0
    if batch:
        yield batch


def clean_documents(
    docs: Iterable[Document],
    config: Config,
    *,
    jobs: int = 1,
    batch_chars: int = 1 << 18,
    batch_docs: int = 256,
) -> Iterator[Result]:
    """Clean documents, yielding results in input order.

    With ``jobs > 1`` documents go to worker processes in batches (about
    ``batch_chars`` characters or ``batch_docs`` documents each), with at
    most ``2 * jobs`` batches in flight, so memory stays bounded however long
    the input.  Closing the generator (or an error) stops the workers.
    """
    if jobs <= 1:
        for d in docs:
            yield _clean_one(d, config)
        return
    pool = ProcessPoolExecutor(max_workers=jobs, initializer=_worker_init)
    pending: deque[Future[list[Result]]] = deque()
    try:
        for batch in _batches(docs, batch_chars, batch_docs):
            pending.append(pool.submit(_clean_batch, batch, config))
            while len(pending) > 2 * jobs:
                yield from pending.popleft().result()
        while pending:
            yield from pending.popleft().result()
    finally:
        for f in pending:
            f.cancel()
        pool.shutdown(wait=not pending, cancel_futures=True)


def default_jobs() -> int:
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1))


__all__ += ["InputError", "default_jobs", "read_text_file"]
