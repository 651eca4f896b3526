"""Fuzzy paragraph deduplication, inside a document and across a corpus.

The pieces are small pure functions so that any engine (the in-document
rule, the ``cleaner dedup`` command, a distributed runner) calls the same
logic:

* :mod:`~cleaner.dedup.key`: the matching key (NFKC, Traditional to
  Simplified, case, punctuation and whitespace folded);
* :mod:`~cleaner.dedup.minhash`: numpy MinHash signatures over character
  shingles of the key (word shingles for Latin), stable seeds;
* :mod:`~cleaner.dedup.lsh`: band keys and bucket-to-pair generation with a
  bucket cap;
* :mod:`~cleaner.dedup.verify`: the rapidfuzz verdict;
* :mod:`~cleaner.dedup.clusters`: exact groups and greedy clustering in a
  deterministic rank order;
* :mod:`~cleaner.dedup.match`: the four together over a list of keys;
* :mod:`~cleaner.dedup.rule`: the ``dedup`` and ``page_headers`` rules;
* :mod:`~cleaner.dedup.corpus`, :mod:`~cleaner.dedup.index`,
  :mod:`~cleaner.commands.dedup`: the corpus command and its SQLite index.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .key import matching_key, matching_keys
    from .lsh import LSHParams
    from .match import Matches, find_duplicates
    from .split import split_paragraphs

#: each public name and its module, imported on first use (numpy is heavy,
#: and the in-document rule needs it only for long documents)
_HOMES = {"matching_key": "key", "matching_keys": "key", "LSHParams": "lsh", "Matches": "match", "find_duplicates": "match", "split_paragraphs": "split"}


def __getattr__(name: str) -> Any:
    if name in _HOMES:
        return getattr(importlib.import_module(f".{_HOMES[name]}", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = ["matching_key", "matching_keys", "LSHParams", "Matches", "find_duplicates", "split_paragraphs"]
