"""benchmarks/dedup_data.py and dedup_vs_rensa.py: the planted copies of the
speed corpus are labelled without changing the corpus, and the recall of a
method counts the copies it drops."""

from __future__ import annotations

import pytest

from benchmarks import dedup_data as data
from benchmarks.dedup_vs_rensa import recall_of_planted

pytestmark = pytest.mark.skipif(not data.have_evaldata(), reason=f"evaluation data not present: {data.EVALDATA}")


def test_labels_leave_the_corpus_as_it_was_and_point_to_earlier_copies() -> None:
    sources: list[int] = []
    labelled = list(data.speed_corpus(2000, sources=sources))
    assert labelled == list(data.speed_corpus(2000))
    assert len(sources) == len(labelled)
    copies = [(i, j) for i, j in enumerate(sources) if j >= 0]
    assert 100 < len(copies) < 300  # about dup_share = 10 %
    assert all(j < i and sources[j] == -1 for i, j in copies)
    exact = sum(labelled[i] == labelled[j] for i, j in copies)
    assert 0.3 < exact / len(copies) < 0.7  # half exact, half edited


def test_recall_counts_only_planted_copies() -> None:
    assert recall_of_planted([True, True, False], [-1, 0, 0]) == {"planted": 2, "recall": 0.5, "dropped_originals": 1}
    assert recall_of_planted([False], [-1])["recall"] == 1.0
