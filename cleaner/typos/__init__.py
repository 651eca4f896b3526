"""Typo repair: OCR look-alikes, stutters, inconsistent and near-miss terms.

Five rules of the ``final`` stage, each with its own name in every edit:

* ``lexicon`` (:mod:`.lexicon`): near misses of the user's terms;
* ``stutter`` (:mod:`.stutter`): a word printed twice by accident;
* ``ocr_confusion`` (:mod:`.confusion_rule`): a character misread as a
  visually similar one;
* ``consistency`` (:mod:`.consistency`): a term garbled once in a document
  that spells it right several times;
* ``phrase_consistency`` (:mod:`.phrases`): a phrase garbled once (a
  character dropped, added, doubled or wrong) in a document that writes it
  right several times.

They share one scoring model (:mod:`.model`: word frequencies from jieba's
dictionary and wordfreq) and one set of guards (:mod:`.guards`) against the
false positives that a word-frequency model makes.  The first duty is to do
no harm: what is not certain enough is reported as a
:class:`cleaner.Suggestion` with its score, never applied.
"""

from __future__ import annotations

from .confusion_rule import ocr_confusion_rule
from .consistency import consistency_rule
from .lexicon import lexicon_rule
from .phrases import phrase_consistency_rule
from .stutter import stutter_rule

__all__ = ["ocr_confusion_rule", "consistency_rule", "lexicon_rule", "phrase_consistency_rule", "stutter_rule"]
