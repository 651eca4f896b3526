"""Context from a character n-gram model learned from the user's corpus
(issue 16), for the rule ``ocr_confusion`` (:mod:`.confusion_rule`).

:func:`find_in_context` judges in context the characters that the word
model left alone: suspects are those the corpus never writes between their
two neighbours (:func:`suspects`); isolated ones, that it writes beside
neither, need less evidence.  Candidates are the visual table's look-alikes
and, at isolated suspects, the characters the corpus writes between the
same neighbours.  Each candidate's score is the character model's gain plus
the word model's gain less a channel cost per source (:class:`Scored`), and
a change needs :data:`CONTEXT_THRESHOLD` (plus :data:`CONTEXT_UNISOLATED`
where the suspect is not isolated) plus the text's noise penalty
(:func:`noise_penalty`); a change at a text's first or last character
:data:`CONTEXT_EDGE` more (:func:`one_sided`).  :func:`with_model` merges its
edits with those of the word model and, as the word model's pass does, only
suggests a change in a sentence that still reads as damaged
(:data:`CONTEXT_DAMAGED_GUARD`).  A missing or doubled character
(:func:`find_indels`, :data:`INDEL_APPLY`, off by default) is looked for
where the corpus never writes two neighbours side by side, at a strict
threshold.

The constants were chosen on the dev split of
``benchmarks/test_bench_context.py`` (THUCNews articles with real OCR
confusions from FASPell's train split injected); its test split measures.

The package's modules, each importing only those above it:

* :mod:`.settings`: every tunable constant, read there at call time (a
  variant sets ``settings.CONTEXT_THRESHOLD``, never the package's);
* :mod:`.detect`: the suspects of a text;
* :mod:`.middles`: what the corpus writes between two neighbours;
* :mod:`.alikes`: the visual table's look-alikes and its two-step tables;
* :mod:`.words`: the dictionary words a candidate completes;
* :mod:`.proposals`: the candidates and their channel costs, the C
  proposals beside their Python reference;
* :mod:`.vetoes`: the guards of one candidate;
* :mod:`.damaged`: the guard of a sentence that still reads as damaged;
* :mod:`.score`: the scores, the floors and the word model's gain bounds;
* :mod:`.segments`: a long text scored a segment at a time;
* :mod:`.indels`: a missing or a doubled character;
* :mod:`.driver`: :func:`find_in_context` and :func:`with_model`.

>>> from cleaner.typos.charmodel import learn
>>> cm = learn(["我们在北京工作。他们在北京学习。"] * 30, keep_repeats=True)
>>> suspects("我们在北涼工作。", cm)
[3, 4, 5]
"""

from __future__ import annotations

from ..model import han_span
from . import settings
from .alikes import Neighbours
from .detect import rare_ngrams, suspects
from .driver import find_in_context, one_sided, with_model
from .indels import find_indels, indel_candidates
from .score import Scored, noise_penalty, scored_candidates
from .vetoes import in_title, modifies_a_title, own_rare_char

__all__ = ["Scored", "suspects", "one_sided", "scored_candidates", "noise_penalty", "find_in_context", "with_model", "han_span", "in_title", "rare_ngrams", "indel_candidates", "find_indels", "Neighbours", "own_rare_char", "modifies_a_title"]
