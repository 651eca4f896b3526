"""Typo repair with context (issue 16): a character model learned from a
corpus, measured on news documents with real OCR confusions injected.

Run: ``pytest benchmarks/test_bench_context.py -s -p no:cacheprovider``
(``--quick`` or ``CLEANER_BENCH_QUICK=1``: the smallest set-up only).

Data, read from ../shared/evaldata at run time (research-only, never copied):

* documents: THUCNews articles (``prose/thucnews_cnews_val_1000.tsv``),
  split once with a fixed seed into 100 dev articles (the constants of
  :mod:`cleaner.typos.context` were chosen on them), 100 test articles
  (reported here) and 800 training articles (about 0.81M characters) that the
  in-domain models learn from: train and test never share an article;
* pieces: each held-out article cut at 。 into pieces of about
  :data:`PIECE` characters; every piece gets one real OCR confusion (a
  character that FASPell's OCR train split misread, read as one of its
  misreadings, weighted by frequency: :func:`benchmarks.inject.ocr_confusions`);
  the same pieces, undamaged, are the clean controls;
* cross-source: the models learn People's Daily and MSRA news
  (``prose/icwb2_{pku,msr}_test.utf8.txt``, 0.37M characters);
* FASPell test (subtitles): a model learned from all of THUCNews (never from
  FASPell's train split, which holds 583 of its 1,000 test sentences).

Missing and doubled characters: one Han character dropped or written twice
per piece (:func:`inject_indels`), insertions and deletions made (opt-in:
``context.settings.INDEL_APPLY``).  ``cleaner clean --learn``: a model of
the training articles and the damaged pieces themselves.

Metrics, per injected character: recall = injected characters restored /
injected; precision = restored / characters changed; controls = clean pieces
changed.  The typo rules run alone (``only=`` the four typo rules).
"""

from __future__ import annotations

import contextlib
import json
import os
import random
import re
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from benchmarks.inject import ocr_confusions
from cleaner import Config, explain
from cleaner.typos import context
from cleaner.typos.charmodel import CharModel, learn
from cleaner.typos.model import compact_table, model as word_model

ROOT = Path(__file__).resolve().parent.parent
EVALDATA = Path(os.environ.get("CLEANER_EVALDATA", ROOT.parent / "shared" / "evaldata"))
THUC = "prose/thucnews_cnews_val_1000.tsv"
PEOPLE = ("prose/icwb2_pku_test.utf8.txt", "prose/icwb2_msr_test.utf8.txt")
FASPELL_TEST = "csc/faspell_ocr_test_1000.jsonl"
TYPO_RULES = ("lexicon", "stutter", "ocr_confusion", "consistency")
#: characters per piece (cut at 。)
PIECE = 300
SEED = 16
#: in-domain training sizes (characters) of the curve
SIZES = (60_000, 174_000, 590_000, None)
_HAN = re.compile(r"[\u4e00-\u9fff]")


def _path(relative: str) -> Path:
    path = EVALDATA / relative
    if not path.exists():
        pytest.skip(f"evaluation data not present: {path}")
    return path


@cache
def thuc_articles() -> tuple[str, ...]:
    lines = _path(THUC).read_text(encoding="utf-8").split("\n")
    return tuple(line.split("\t", 1)[1].strip() for line in lines if "\t" in line)


@cache
def splits() -> dict[str, tuple[str, ...]]:
    """dev, test and train articles of THUCNews (fixed seed)."""
    arts = list(thuc_articles())
    order = list(range(len(arts)))
    random.Random(SEED).shuffle(order)
    return {
        "dev": tuple(arts[i] for i in order[:100]),
        "test": tuple(arts[i] for i in order[100:200]),
        "train": tuple(arts[i] for i in order[200:]),
    }


def pieces(articles: Sequence[str], size: int = PIECE) -> list[str]:
    """The articles cut after 。 into pieces of about ``size`` characters."""
    out: list[str] = []
    for art in articles:
        buf = ""
        for sent in re.split(r"(?<=。)", art):
            buf += sent
            if len(buf) >= size:
                out.append(buf)
                buf = ""
        if len(buf) >= 60:
            out.append(buf)
    return out


@dataclass(frozen=True, slots=True)
class Case:
    clean: str
    damaged: str
    pos: int


def inject(texts: Sequence[str], seed: int = SEED, table: Any = None) -> list[Case]:
    """One real OCR confusion per text (skipped where none applies), drawn
    from ``table`` (right -> ((wrong, count), ...); default FASPell's train
    split, :func:`benchmarks.inject.ocr_confusions`)."""
    table = ocr_confusions() if table is None else table
    if not table:
        pytest.skip("FASPell's OCR train split is not present")
    rng = random.Random(seed)
    out: list[Case] = []
    for t in texts:
        spots = [i for i, c in enumerate(t) if c in table and _HAN.match(c)]
        if not spots:
            continue
        i = rng.choice(spots)
        choices = table[t[i]]
        wrong = rng.choices([w for w, _ in choices], weights=[n for _, n in choices])[0]
        out.append(Case(t, t[:i] + wrong + t[i + 1 :], i))
    return out


def learn_chars(texts: Sequence[str], limit: int | None) -> CharModel:
    """A model of the first ``limit`` characters of ``texts`` (all: None)."""

    def stream() -> Iterator[str]:
        n = 0
        for t in texts:
            if limit is not None and n + len(t) > limit:
                yield t[: limit - n]
                return
            n += len(t)
            yield t

    return learn(stream())


@cache
def people_lines() -> tuple[str, ...]:
    out: list[str] = []
    for rel in PEOPLE:
        out.extend(line.strip() for line in _path(rel).read_text(encoding="utf-8").split("\n") if line.strip())
    return tuple(out)


def evaluate(cases: Sequence[Case], correct: Callable[[str], str]) -> dict[str, float]:
    """Recall, precision (per character) and clean controls changed."""
    hit = changed = controls = 0
    for c in cases:
        out = correct(c.damaged)
        if len(out) == len(c.damaged):
            diff = [i for i, (a, b) in enumerate(zip(c.damaged, out)) if a != b]
        else:
            diff = [-1]
        changed += len(diff)
        hit += c.pos in diff and out[c.pos] == c.clean[c.pos]
        controls += correct(c.clean) != c.clean
    return {
        "cases": len(cases),
        "recall": hit / len(cases) if cases else 0.0,
        "precision": hit / changed if changed else 1.0,
        "changed": changed,
        "controls_changed": controls,
    }


def corrector(model: CharModel | None) -> Callable[[str], str]:
    config = Config(only=TYPO_RULES, model=model)
    return lambda text: explain(text, config=config).text


def _report(benchmark: Any, name: str, metrics: dict[str, Any]) -> None:
    benchmark.extra_info[name] = {k: round(v, 4) if isinstance(v, float) else v for k, v in metrics.items()}
    print(f"\n{name}: " + ", ".join(f"{k} {v:.4f}" if isinstance(v, float) else f"{k} {v}" for k, v in metrics.items()))


def _quick(request: Any) -> bool:
    return bool(request.config.getoption("--quick", default=False)) or os.environ.get("CLEANER_BENCH_QUICK", "") not in ("", "0")


#: an article of dev or test whose first :data:`COPY_HEAD` characters are at
#: least this similar (rapidfuzz ``fuzz.ratio``) to a training article's is
#: a near copy of it
COPY_RATIO = 60
COPY_HEAD = 300


@cache
def near_copied(split: str) -> frozenset[str]:
    """The pieces of the ``split`` articles that a training article prints
    again, nearly (:data:`COPY_RATIO`): THUCNews repeats some reports (NBA
    games, camera specifications), and a model of the training articles has
    then seen most of the piece.  2026-12-05 (fourteenth session): none of
    dev, 5 of the 100 test articles (18 of 323 pieces), which the in-domain
    model repairs at 0.22 (4 of 18) against 0.134 on the other 305."""
    from rapidfuzz import fuzz, process

    heads = [t[:COPY_HEAD] for t in splits()["train"]]
    copied = [a for a in splits()[split] if process.extractOne(a[:COPY_HEAD], heads, scorer=fuzz.ratio, score_cutoff=COPY_RATIO) is not None]
    return frozenset(pieces(copied))


def _cases(split: str, quick: bool) -> list[Case]:
    cases = inject(pieces(splits()[split]))
    return cases[:150] if quick else cases


#: what the test split reaches (issue 16 asks 0.20 at 0.95 in-domain, 0.15
#: cross-source, and no clean control changed), with the defaults (trigram
#: detection, corpus proposals at cost 28, two steps away in the visual
#: table 16, near misses of long words 16 where what is written is not
#: isolated, a common word of three characters lifting the parallel, name
#: and proper guards, insertions/deletions off): in-domain (0.80M
#: characters) 0.127 at 1.00 with 0 of 323 controls changed (0.124 before
#: the common words, 0.115 before the long words and two-step costs, 0.090
#: before that); cross-source (0.36M) 0.043 at 1.00 (0.040).  Corpus proposals at cost 16 reached 0.149 at 0.89 with 3
#: controls changed (see :func:`test_variants_of_the_defaults`).
#: 2026-12-04 (eighth session), a loss analysis of the dev split (355
#: typos, in-domain model): 61 % never get the right character as a
#: candidate (37 % are neither a look-alike nor written by the corpus
#: between the same neighbours), 15 % are candidates scored below the
#: suggestion floor, 4 % suggested just below the threshold (median 1.7
#: short), 2 % kept by the proper/name guards.  Two changes from it (dev
#: tuned): a corpus proposal costs less where the corpus hardly writes what
#: is written (context.settings.CONTEXT_RARE_RATIO), and the proper guard yields to
#: a proper noun the corpus knows well (context.settings.CONTEXT_PROPER_MADE).  Dev
#: in-domain 0.144 -> 0.158 at 0.982, cross-source 0.073 -> 0.082 at
#: 0.967; test in-domain 0.127 -> 0.130 at 1.00, cross-source 0.043 ->
#: 0.046 at 1.00, 0 controls changed on either (one piece moves a test
#: recall by 0.003: floors two pieces or more below).  2026-12-04 (ninth
#: session): look-alikes of look-alikes as candidates where the corpus
#: writes them beside a neighbour of an isolated suspect, or between the
#: neighbours of one that is not (context.settings.CONTEXT_TWO_STEP_BESIDE,
#: CONTEXT_TWO_STEP_NEAR_COST): dev in-domain 0.158 at 0.982 -> 0.172 at
#: 1.00, cross-source 0.082 at 0.967 unchanged; test in-domain 0.130 ->
#: 0.136 at 1.00, cross-source 0.046 -> 0.050 at 1.00, 0 controls changed
GATES: dict[str, dict[str, Any]] = {
    "in_domain": {"recall": 0.11, "precision": 0.95, "controls": 0},
    "cross_source": {"recall": 0.04, "precision": 0.95, "controls": 0},
}
#: insertions and deletions (opt-in: ``context.settings.INDEL_APPLY``), floors for
#: the test split.  Before the guards of 2026-12-03 (precision counts every
#: insertion and deletion made in the damaged pieces, recall the pieces
#: restored): dev missing 0.031 at 0.846, doubled 0.231 at 0.988, 1 of 355
#: clean pieces changed; test missing 0.040 at 0.81, doubled 0.269 at 0.967,
#: 3 of 323 clean pieces changed.  With them (tuned on dev), dev: missing
#: 0.037 at 0.929, doubled 0.225 at 0.988, 1 clean piece changed (a doubled
#: character of the source, removed: it is also the one wrong change of the
#: missing set); test, measured once: missing 0.053 at 0.944, doubled 0.257
#: at 0.988, 1 clean piece changed (蜂拥至 -> 蜂拥而至), so they stay off by
#: default.  The prototype of issue 16: 0.07 and 0.17
INDEL_GATES: dict[str, Any] = {"missing": {"recall": 0.04, "precision": 0.8}, "doubled": {"recall": 0.24, "precision": 0.95}, "controls": 1}


def _chars(model: Any) -> int:
    """The number of characters ``model`` learned from (its statistics)."""
    return int(model.stats["chars"])


def subset(name: str, quick: bool) -> str:
    """A figure's gate name with the subset it was measured on: quick mode
    reads the first 150 pieces (300 FASPell sentences), a full run all of
    them, so the two are different figures (a baseline from one must not
    judge the other).

    >>> subset("context.in_domain.recall", True)
    'context.in_domain.recall.quick'
    """
    return f"{name}.{'quick' if quick else 'full'}"


#: absolute tolerances of the quality figures against their baseline: one
#: piece of 150 (quick) moves a recall by 0.0067, a precision by more
QUALITY_TOLERANCE = {"recall": 0.007, "precision": 0.03}


def gate_against_baseline(gate: Any, name: str, m: dict[str, float], quick: bool, *, note: str) -> None:
    """Recall, precision and clean pieces changed of ``m`` as the figures
    ``context.NAME.*``, judged against the baseline only (no limits: for
    the set-ups that the issue's targets are not met on)."""
    for key, better in (("recall", True), ("precision", True), ("controls_changed", False)):
        gate.quality(subset(f"context.{name}.{key}", quick), m[key], higher_is_better=better, tolerance=QUALITY_TOLERANCE.get(key, 0.0), note=note)


def _judge(gate: Any, name: str, m: dict[str, float], quick: bool, *, recall: float, precision: float, controls: int) -> None:
    gate.quality(subset(f"context.{name}.precision", quick), m["precision"], tolerance=QUALITY_TOLERANCE["precision"], limit=precision, note="changed characters that are right")
    gate.quality(subset(f"context.{name}.recall", quick), m["recall"], tolerance=QUALITY_TOLERANCE["recall"], limit=0.0 if quick else recall, note="injected OCR confusions restored")
    gate.quality(subset(f"context.{name}.controls_changed", quick), m["controls_changed"], higher_is_better=False, limit=controls, note="clean pieces changed")
    if not quick:
        assert m["cases"] >= 300


@pytest.mark.parametrize("size", SIZES, ids=[f"{s // 1000}k" if s else "all" for s in SIZES])
def test_in_domain_by_training_size(benchmark: Any, gate: Any, request: Any, size: int | None) -> None:
    """THUCNews test pieces, models from THUCNews training articles."""
    quick = _quick(request)
    if quick and size is not None:
        pytest.skip("quick mode: the full training set only")
    model = learn_chars(splits()["train"], size)
    label = f"{size // 1000}k" if size else f"{_chars(model) // 1000}k"
    for split in ("test",) if quick else ("dev", "test"):
        cases = _cases(split, quick)
        m = benchmark.pedantic(evaluate, args=(cases, corrector(model)), rounds=1, iterations=1) if split == "test" else evaluate(cases, corrector(model))
        _report(benchmark, f"in_domain_{label}_{split}", {**m, "train_chars": model.stats["chars"]})
        if split == "test" and size is None:
            _judge(gate, "in_domain", m, quick, **GATES["in_domain"])
            # reported only: the same pieces less those of articles that the
            # training articles print again (near_copied)
            copied = near_copied(split)
            apart = [c for c in cases if c.clean not in copied]
            _report(benchmark, f"in_domain_{label}_{split}_without_near_copies", evaluate(apart, corrector(model)))


def test_without_a_model(benchmark: Any, gate: Any, request: Any) -> None:
    """Today's rules on the same pieces: the baseline the model adds to."""
    quick = _quick(request)
    cases = _cases("test", quick)
    m = benchmark.pedantic(evaluate, args=(cases, corrector(None)), rounds=1, iterations=1)
    _report(benchmark, "no_model_test", m)
    gate.quality(subset("context.no_model.precision", quick), m["precision"], tolerance=QUALITY_TOLERANCE["precision"], limit=0.95)
    gate.quality(subset("context.no_model.controls_changed", quick), m["controls_changed"], higher_is_better=False, limit=0)


def test_cross_source(benchmark: Any, gate: Any, request: Any) -> None:
    """THUCNews test pieces, a model from People's Daily and MSRA news."""
    quick = _quick(request)
    model = learn_chars(people_lines(), None)
    for split in ("test",) if quick else ("dev", "test"):
        cases = _cases(split, quick)
        m = benchmark.pedantic(evaluate, args=(cases, corrector(model)), rounds=1, iterations=1) if split == "test" else evaluate(cases, corrector(model))
        _report(benchmark, f"cross_source_{_chars(model) // 1000}k_{split}", m)
        if split == "test":
            _judge(gate, "cross_source", m, quick, **GATES["cross_source"])


def inject_indels(texts: Sequence[str], kind: str, seed: int = SEED) -> list[tuple[str, str, tuple[int, str, str]]]:
    """One Han character between two Han characters dropped (``missing``)
    or written twice (``doubled``) per text: (clean, damaged, the edit that
    repairs it)."""
    rng = random.Random(seed)
    out = []
    for t in texts:
        spots = [i for i in range(1, len(t) - 1) if all(_HAN.match(c) for c in t[i - 1 : i + 2])]
        if not spots:
            continue
        i = rng.choice(spots)
        if kind == "missing":
            out.append((t, t[:i] + t[i + 1 :], (i, "", t[i])))
        else:
            out.append((t, t[: i + 1] + t[i] + t[i + 1 :], (i + 1, t[i], "")))
    return out


def evaluate_indels(cases: Sequence[tuple[str, str, tuple[int, str, str]]], model: CharModel) -> dict[str, float]:
    """Recall and precision of the insertions and deletions made, and the
    clean pieces that get one.  An edit restores the piece when the text
    with it made is the clean text: dropping either copy of a doubled
    character (or inserting a character beside its twin) is the same
    repair."""
    config = Config(only=TYPO_RULES, model=model)
    hit = changed = controls = 0
    for clean, damaged, _ in cases:
        made = [e for e in explain(damaged, config=config).edits if not e.before or not e.after]
        changed += len(made)
        hit += any(damaged[: e.start] + e.after + damaged[e.end :] == clean for e in made)
        controls += any(not e.before or not e.after for e in explain(clean, config=config).edits)
    return {"cases": len(cases), "recall": hit / len(cases) if cases else 0.0, "precision": hit / changed if changed else 1.0, "changed": changed, "controls_changed": controls}


@contextlib.contextmanager
def opt_in(**constants: Any) -> Iterator[None]:
    """Module constants of :mod:`cleaner.typos.context.settings` set for a measure
    (a variant of the defaults; insertions/deletions are off by default)."""
    old = {k: getattr(context.settings, k) for k in constants}
    for k, v in constants.items():
        setattr(context.settings, k, v)
    try:
        yield
    finally:
        for k, v in old.items():
            setattr(context.settings, k, v)


#: variants of the defaults that are measured beside them: the detection of
#: the previous session (a suspect is beside neither neighbour in the
#: corpus), no corpus proposals, corpus proposals at their earlier cost, no
#: near misses of long words, no cheaper two-step look-alikes, the opt-in
#: insertions and deletions, no common word lifting the guards, no
#: discount for a rare written character, no proper noun the corpus knows
#: lifting the proper guard, no look-alikes of look-alikes beyond those
#: the corpus proposes at isolated suspects, the dictionary's proposals
#: (opt-in: they cost time)
VARIANTS: dict[str, dict[str, Any]] = {
    "pair_detection": {"CONTEXT_DETECT_PAIRS": True, "CONTEXT_CORPUS_CANDIDATES": 0, "CONTEXT_NAME_WAIVER": None},
    "no_corpus_proposals": {"CONTEXT_CORPUS_CANDIDATES": 0},
    "corpus_cost_16": {"CONTEXT_CORPUS_COST": 16.0},
    "no_long_words": {"CONTEXT_LONG_WORD": None},
    "no_two_step_cost": {"CONTEXT_TWO_STEP_COST": context.settings.CONTEXT_CORPUS_COST},
    "indels": {"INDEL_APPLY": True},
    "no_guard_word": {"CONTEXT_GUARD_WORD": None},
    "no_damaged_guard": {"CONTEXT_DAMAGED_GUARD": False},
    "no_edge_margin": {"CONTEXT_EDGE": 0.0},
    "no_rarity_discount": {"CONTEXT_RARE_RATIO": None},
    "no_known_proper_noun": {"CONTEXT_PROPER_MADE": None},
    "no_two_step_candidates": {"CONTEXT_TWO_STEP_BESIDE": None, "CONTEXT_TWO_STEP_NEAR_COST": None},
    "word_proposals": {"CONTEXT_WORD_PROPOSAL_COST": 16.0},
}


def test_variants_of_the_defaults(benchmark: Any, request: Any) -> None:
    """The in-domain model with each of :data:`VARIANTS`.  Reported only:
    what each part of the defaults brings (or would cost)."""
    quick = _quick(request)
    model = learn_chars(splits()["train"], None)
    for name, constants in VARIANTS.items():
        with opt_in(**constants):
            for split in ("test",) if quick else ("dev", "test"):
                _report(benchmark, f"variant_{name}_{split}", evaluate(_cases(split, quick), corrector(model)))


def test_missing_and_doubled_characters(benchmark: Any, gate: Any, request: Any) -> None:
    """THUCNews pieces with a character dropped or doubled, the in-domain
    model of all training articles, insertions and deletions made
    (``INDEL_APPLY``; off by default); the clean pieces that get one."""
    quick = _quick(request)
    model = learn_chars(splits()["train"], None)
    with opt_in(INDEL_APPLY=True):
        _missing_and_doubled(benchmark, gate, model, quick)


def _missing_and_doubled(benchmark: Any, gate: Any, model: CharModel, quick: bool) -> None:
    for split in ("test",) if quick else ("dev", "test"):
        texts = pieces(splits()[split])[: 150 if quick else None]
        for kind in ("missing", "doubled"):
            cases = inject_indels(texts, kind)
            # (timed once, through the benchmark fixture, so that the run's
            # JSON holds this test and its gates can have baselines)
            timed = split == "test" and kind == "missing"
            m = benchmark.pedantic(evaluate_indels, args=(cases, model), rounds=1, iterations=1) if timed else evaluate_indels(cases, model)
            _report(benchmark, f"{kind}_{split}", m)
            if split == "test":
                floor = INDEL_GATES[kind]
                gate.quality(subset(f"context.{kind}.precision", quick), m["precision"], tolerance=QUALITY_TOLERANCE["precision"], limit=floor["precision"], note=f"{kind} characters: changes that are right")
                gate.quality(subset(f"context.{kind}.recall", quick), m["recall"], tolerance=QUALITY_TOLERANCE["recall"], limit=0.0 if quick else floor["recall"], note=f"{kind} characters restored")
        if split == "test":  # the same clean pieces for both kinds
            # at most the one of the full test split (a clean piece that reads as a slip): opt-in until it is 0
            gate.quality(subset("context.indels.controls_changed", quick), m["controls_changed"], higher_is_better=False, limit=INDEL_GATES["controls"], note="clean pieces that lose or gain a character")


def test_learned_from_its_own_input(benchmark: Any, request: Any) -> None:
    """``cleaner clean --learn``: the model learns the training articles and
    the damaged test pieces themselves (min_count 2, leave-one-out
    suspects), as when a user's corpus is cleaned with a model of itself.
    Reported only."""
    quick = _quick(request)
    cases = _cases("test", quick)
    model = learn(list(splits()["train"]) + [c.damaged for c in cases], min_count=2)
    model.stats["from_input"] = True
    _report(benchmark, "learned_from_input_test", evaluate(cases, corrector(model)))
    alone = learn([c.damaged for c in cases], min_count=2)
    alone.stats["from_input"] = True
    chars = sum(len(c.damaged) for c in cases)
    _report(benchmark, f"learned_from_input_only_{chars // 1000}k_test", evaluate(cases, corrector(alone)))


def test_faspell_with_a_model_from_news(benchmark: Any, gate: Any, request: Any) -> None:
    """FASPell's OCR test split (subtitles) with a model of all THUCNews."""
    from benchmarks.test_bench_typos import csc_metrics

    rows = [json.loads(line) for line in _path(FASPELL_TEST).read_text(encoding="utf-8").split("\n") if line.strip()]
    quick = _quick(request)
    if quick:
        rows = rows[:300]
    model = learn_chars(thuc_articles(), None)
    m = benchmark.pedantic(csc_metrics, args=(rows, corrector(model)), rounds=1, iterations=1)
    _report(benchmark, "faspell_test_with_thucnews_model", m)
    base = csc_metrics(rows, corrector(None))
    _report(benchmark, "faspell_test_without_model", base)
    # issue 16 asks 0.06 at 0.95; reached: 0.034 at 0.97 with the two-step candidates of
    # the ninth session (0.033 before), 1 wrong sentence of 35 (发晨 ->
    # 发展, the word model's; the gold reads 凌晨).  Before the context pass's damaged
    # guard and edge margin: 0.035 at 0.90, 4 wrong of 39 (2 right repairs beside a second
    # error that stays, 举足轻平 and 风士人情 with 地万; 认秀 -> 认为 at the last character;
    # 发晨); the guard also keeps two right ones (层层叠登, 怎么间事 beside 倒底).
    # Without a model 0.024 at 0.96.  Constants tuned on FASPell dev: its train split less
    # every test sentence (see context.settings.CONTEXT_DAMAGED_GUARD)
    # (quick mode's 300 sentences: 8 of 8 changed sentences right, was 9 of 11)
    # one sentence of the ~8 that quick mode changes moves its precision by ~0.12
    gate.quality(subset("context.faspell.correction_precision", quick), m["correction_precision"], tolerance=0.13 if quick else QUALITY_TOLERANCE["precision"], limit=0.7 if quick else 0.95)
    gate.quality(subset("context.faspell.correction_recall", quick), m["correction_recall"], tolerance=QUALITY_TOLERANCE["recall"], limit=base["correction_recall"])


def test_learning_speed_size_and_clean_time(benchmark: Any, gate: Any, request: Any, tmp_path: Path) -> None:
    """Learning rate per CPU, model bytes per MB of text, and the time of
    the typo rules with a model against without (same pieces, same run)."""
    texts = thuc_articles()
    mb = sum(len(t.encode("utf-8")) for t in texts) / 1e6
    # the fastest of three learns: the first in a process pays one-time
    # costs (allocator, imports) and a shared machine slows any single one;
    # a cold learn measured 3.7-5.0 MB/s where warm ones gave 6.8-21
    spent: list[float] = []

    def learn_once() -> CharModel:
        t0 = time.process_time()
        learned = learn(iter(texts))
        spent.append(time.process_time() - t0)
        return learned

    # (through the benchmark fixture, so that the run's JSON holds this test
    # and its gates can have baselines)
    model = benchmark.pedantic(learn_once, rounds=3, iterations=1)
    while len(spent) < 3:  # pytest-benchmark off (a full run without --benchmark-enable) calls it once: a cold learn, 3.4 MB/s
        learn_once()
    rate = mb / min(spent)
    path = tmp_path / "m.npz"
    model.save(path)
    per_mb = path.stat().st_size / 1e6 / mb
    # a larger corpus is pruned to max_ngrams (16M): the file for 1 GB of
    # text is at most that many n-grams at this many bytes each
    per_ngram = path.stat().st_size / len(model.keys)
    at_budget = per_ngram * 16_000_000 / 1e6
    cases = _cases("test", True)[:80]
    # the word table's compact C copy is built once a process, after enough
    # look-ups (typos.model.COMPACT_AFTER): 0.37 s, which landed in
    # whichever timed round crossed the count (a with-model round mostly:
    # the context pass looks up more), five to six times that round's own
    # time: the typo rules run alone read 0.197; built now, before the rounds
    compact_table(word_model().table)
    ratios = {}
    runs: tuple[tuple[str, dict[str, Any]], ...] = (("typo_rules", {"only": TYPO_RULES}), ("default_pipeline", {}))
    for name, options in runs:
        plain, with_model = Config(**options), Config(model=model, **options)
        for c in cases:  # warm the caches: every piece once, untimed
            explain(c.damaged, config=plain), explain(c.damaged, config=with_model)
        used: dict[Config, float] = {plain: 0.0, with_model: 0.0}
        for cfg in (plain, with_model, plain, with_model):  # alternate: a busy machine weighs on both
            t0 = time.process_time()
            for c in cases:
                explain(c.damaged, config=cfg)
            used[cfg] += time.process_time() - t0
        ratios[name] = used[with_model] / used[plain]
    figures = {"mb": round(mb, 2), "learn_mb_per_cpu_s": round(rate, 2), "model_mb_per_text_mb": round(per_mb, 2), "bytes_per_ngram": round(per_ngram, 2), "model_mb_at_budget": round(at_budget, 1), **{f"time_ratio_{k}": round(v, 2) for k, v in ratios.items()}}
    _report(benchmark, "speed_and_size", figures)
    gate.quality("context.learn_mb_per_s", rate, gated=False, limit=5.0, note="issue 16 asks 5 MB/s per core (CPU time; 11.5 to 27 measured on a shared machine); a speed, so held to the limit only, not to a baseline a noisy machine would miss")
    gate.quality("context.model_mb_per_text_mb", per_mb, higher_is_better=False, limit=5.0)
    gate.quality("context.model_mb_for_1gb", at_budget, higher_is_better=False, limit=200.0, note="issue 16: under 200 MB for 1 GB of text (16M n-grams kept)")
    # time ratios are speed gates (advisory in quick mode: a noisy machine
    # must not fail the run), as time without the model / time with it;
    # the typo rules got about 2x faster without a model (issue 12) while
    # the model's own scoring did not, so the ratio fell from 0.9 to ~0.5
    # the detection by trigram flags about twice as many suspects as the
    # pairs did; look-alikes the corpus never writes between the same
    # neighbours are dropped before scoring, so the context pass costs about
    # 1.15x its former CPU
    gate.speed("speed.context.typo_rules.vs_no_model", 1 / ratios["typo_rules"], floor=0.4, reference="the typo rules without a model", note="issue 16 asks at least 0.67 (with a model at most 1.5x the time); floor 0.5 -> 0.4 on 2026-12-05 (sixteenth session): the typo rules WITHOUT a model screen texts of 16 characters or more in the whole-text numpy passes (confusion_rule.SHORT 400 -> 16), twice as fast on these pieces (0.543 -> 0.266 ms a piece of unseen news), while the model adds what it did, so the ratio fell from 0.66 to 0.50 (full run); floor 0.3 -> 0.5 on 2026-12-03 (seventh session): the character model's look-ups, gains, neighbour counts and word bounds in C measured 0.72-0.74 (was 0.52-0.54 in the same session, load average 5); floor 0.4 -> 0.3 on 2026-12-03 (sixth session): the typo rules WITHOUT a model got faster again (ocr_confusion's screen -13 %, consistency alone -31 % on news) while the time with one stayed (interleaved A/B), so the ratio fell to 0.35-0.36 at load average 2.4; measured 0.50 to 0.87 on a shared machine after issue 12's speed work, 0.34 to 0.74 with trigram detection", regression_tolerance=None)
    gate.speed("speed.context.default_pipeline.vs_no_model", 1 / ratios["default_pipeline"], floor=0.4, reference="the default pipeline without a model", note="issue 16 asks at least 0.67; floor 0.6 -> 0.4 on 2026-12-05 (eighteenth session): the set-ups now read every piece once, untimed, before the rounds (3 pieces before), and the word table's compact copy is built before them; until then the first plain round paid the rules loaded on first use by pieces 4-80 (0.073 s against 0.031 for the next), which read this ratio 0.8 and more in runs where nothing ran before it, and the quick suite, where earlier tests had loaded them, read 0.50-0.55 (an advisory four sessions running); warm, both read 0.49-0.53 (2.02-2.04x alone in quick mode, twice), as the unseen pieces' 0.45 says; floor 0.45 -> 0.6 on 2026-12-03 (seventh session): 0.87-0.94 with the model's scoring in C (0.75-0.76 before it, same session); measured 0.56 to 0.64, 0.46 to 0.53 with trigram detection", regression_tolerance=None)
    # the ratios above read the model's cost low: their pieces are in the
    # model's corpus (few suspects) and the runs without a model repeat the
    # same 80 texts, the first pass filling per-text caches.  As a user
    # meets it: a model of the training articles, text it never saw
    for name, ratio in _unseen_ratios(_quick(request)).items():
        _report(benchmark, f"unseen_{name}", {"without_over_with": ratio})
        gate.speed(f"speed.context.{name}.vs_no_model_unseen", ratio, floor=0.33, reference=f"the {name.replace('_', ' ')} without a model, on text the model never saw", note="issue 16 asks at least 0.67; 2026-12-05 (nineteenth session): the context pass reads back the misspelled word pairs the word pass found on every text from 16 characters on (it recomputed them, 26 us a piece): typo rules 0.43-0.45 -> 0.49, default pipeline 0.475 -> 0.505 (the commit before and after, two runs each of every test piece in both set-ups); 2026-12-05 (sixteenth session): the rules without a model got faster on these pieces (confusion_rule.SHORT 400 -> 16: typo rules 0.543 -> 0.266 ms a piece, default pipeline 0.542 -> 0.383), the model's own cost did not change (about 0.38 and 0.46 ms a piece), so the ratios fell from 0.61 / 0.57 to 0.42 / 0.46 (full run 0.423 / 0.458); floor kept at 0.33; 2026-12-05 (fifteenth session): every test piece is read by both set-ups, which first alternating (_unseen_ratios), instead of disjoint groups; floor kept at 0.33 on 2026-12-05 (session s15, spd19; no code changed): the groups of this gate were not alike: with the context pass switched off (with_model returning the word pass's items) the with-model groups (test pieces 80-239) still cost more than the without-model ones (0-79, 240-319): typo rules 0.84-0.91 in this order, 1.10-1.12 with the set-ups swapped; with it on 0.547-0.620 (median 0.57) in this order, 0.634-0.686 (median 0.668) swapped; default pipeline 0.484-0.499 / 0.502-0.550 (4 runs each, load 2.5-3.2): the typo rules read about 12 % low from the layout alone; every test piece timed in both set-ups (which goes first alternating piece by piece, the same warm-up) reads 0.613-0.619 and 0.578-0.584 in 4 runs at load 3.5-4 (a spread of 1 %, where this gate's single runs spread 10 %: the way to see a change of a few per cent); a first read of a piece (as here) costs the context pass about 0.34 ms (perf_counter per section, 160 pieces): the C proposals 0.085 (0.043 when the same calls are replayed warm), gains_at 0.073 (gain_probs 0.05), the word bounds 0.028 (C 0.015), the loop over the 0.72 scored candidates a piece 0.035 (context_veto 0.018), _verified 0.014, long_words 0.010, floor_groups 0.008, find_in_context's own lines 0.024, still_damaged 0.007; a sampled profile (perf cpu-clock, the same 323 pieces read once, model less no model, us a piece): the C module +158 (proposals 76, ngram_index_many 44, text_lookup 14, span_probs_side 13), CPython +217 (str-keyed dict look-ups +67, the eval loop +58), numpy +40, libc +23; _suspects and consistency cost more with a model at the same calls and inputs (no cache missed: neither gets neighbours or a word model on either path): their dict and array reads after the context pass; tried and dropped as under 3 % (bit-identical): gains_at adding the predicted columns row by row instead of numpy's .sum(axis=0) (15.0 -> 10.4 us a call, in-process ABBA over 157 first reads), the C functions' float parameters held per set of values, the rule's two lazy imports held (1.66 -> 0.14 us); floor kept at 0.33 on 2026-12-04 (twelfth session, spd18): the proposals' lists, the rarity discount, the look-alikes left out and the floor loop in C (proposal_lists, floor_groups), the model's random-access tables on huge pages, the script guard asked once a text: typo rules 0.534 -> 0.567, default pipeline 0.477 -> 0.506 (medians of 20 interleaved pairs, load 1.2); a full garbage collection before each timed group; (eleventh session, spd17): the phrase rule's with-model search in C (its quads, places and runs), 0.146 -> 0.078 ms a piece: default pipeline 0.434 -> 0.457, typo rules 0.516 -> 0.524 (medians of 12 interleaved pairs); (eleventh session, spd16): the n-gram look-ups counted on the 323 unseen test pieces, per piece: 739 before (orders 1-5: 96, 125, 236, 213, 69; 209 of them one search at a time, in gain_probs), 611 after, all in batches (96, 122, 218, 163, 13); 75-80 % of those of orders 3-4 are absent, and the Bloom filter answers 97 % of the absent ones; gain_probs looks up its rows' n-grams order by order for all rows side by side (only those the interpolation reads), groups of 16 searches, a unigram from its radix run, the middles searched in a bucket of the left id and the right id's top 6 bits, a 32 KB summary before each 2 MB pair bitmap: the same calls replayed, proposals -10 to -13 %, gain_probs -18 to -25 % (0.105 -> 0.094 and 0.069 -> 0.056 ms a piece, fastest of 60 sweeps), typo rules 0.506 -> 0.526, default pipeline 0.431 -> 0.433 (medians of 14 interleaved processes, load average 3 on 2 cores); the two C calls are now about 0.15 of the 0.55 ms a piece the model adds: the rest is Python around them; floor 0.25 -> 0.33 on 2026-12-04 (tenth session, spd14): look-alikes beside neither neighbour of an isolated suspect left out of the scoring (their gain is the two characters' frequencies), the written pairs read from a bitmap, near suspects need a neighbour written beside at most once: find_in_context 0.63 -> 0.44 ms a piece, typo rules 0.45 -> 0.49-0.51, default pipeline 0.36 -> 0.42-0.43 (quick and full, interleaved processes; a full run beside other work 0.41 / 0.42); floor kept at 0.25 on 2026-12-04 (eighth session, ctx10): typo rules 0.43-0.46, default pipeline 0.33-0.35 (8 interleaved runs, load average 1.6-2.0); cProfile of both set-ups on the same 323 unseen pieces: the no-model functions (_side, _suspects, _screen, the word lattice) cost the same with a model, the whole difference is find_in_context (about 0.63 ms a piece: 0.27 in the C look-ups of the proposals, the gains and the word bounds, the rest Python around them) and 0.05 ms of set-up in ocr_confusion_rule; floor 0.2 -> 0.25 on 2026-12-04 (eighth session): the suspects and candidates in one C call, the n-gram searches through a fence of every 8th key in groups of 8 keys with prefetching, the gains' n-grams looked up when read: typo rules 0.44-0.46, default pipeline 0.40-0.44 (the code before 0.37-0.41 and 0.32-0.35 in the same hour, interleaved processes, load average 3.5-4.7 on 2 cores); floor 0.16 -> 0.2 on 2026-12-03 (seventh session): with the model's scoring in C the typo rules read 0.28-0.29, the default pipeline 0.33-0.34 (0.17-0.23 before, same session); floor 0.2 -> 0.16 on 2026-12-03 (sixth session), for the same reason as below, again: the no-model path got faster (ocr_confusion's screen, consistency), the with-model time did not change, the typo rules' ratio fell to 0.19; floor 0.25 -> 0.2 on 2026-12-03: the pipeline WITHOUT a model got faster (ocr_confusion, consistency) while the long-word search added time with one, so the ratio fell to 0.22-0.25 on a quiet machine (with a model 1.06-1.14x the CPU of the session's start, interleaved A/B); measured 0.26 to 0.33 on a shared machine with the trigram detection (which flags about half of the Han characters of unseen text) and the corpus-side candidates; 0.20 to 0.24 before them; 0.24 to 0.29 with the search for near misses of long words (about 9 % more time with a model; the code before it 0.29 to 0.38 in the same hour, load average 5 on 2 cores)", regression_tolerance=None)


def _unseen_ratios(quick: bool) -> dict[str, float]:
    """Time without a model / time with one (CPU) on damaged test pieces
    that the model (of the training articles) never saw: both set-ups
    warmed on the dev pieces (100 in quick mode), then every test piece read
    once by each, which set-up reads it first alternating from piece to
    piece (a second read of a text finds the memos of its pairs warm: half
    the pieces give that to each set-up); the sums of the pieces' CPU times.
    Until 2026-12-05 the two set-ups read disjoint groups of 80 pieces, and
    the groups did not cost the same: with the context pass off, so that
    both did the same work, the typo rules read 0.84-0.91 in that order and
    1.07-1.15 swapped; with it on 0.547-0.620 against 0.634-0.698 swapped
    (7 runs each), where this layout reads 0.613-0.619 (4 runs, spd19).  A
    full garbage collection before the pieces."""
    import gc

    model = learn_chars(splits()["train"], None)
    warm = [c.damaged for c in inject(pieces(splits()["dev"]))][: 100 if quick else None]
    fresh = [c.damaged for c in inject(pieces(splits()["test"]))]
    out = {}
    runs: tuple[tuple[str, dict[str, Any]], ...] = (("typo_rules", {"only": TYPO_RULES}), ("default_pipeline", {}))
    for name, options in runs:
        plain, with_model = Config(**options), Config(model=model, **options)
        for t in warm:
            explain(t, config=plain), explain(t, config=with_model)
        spent: dict[Config, float] = {plain: 0.0, with_model: 0.0}
        gc.collect()
        for k, t in enumerate(fresh):
            for cfg in (plain, with_model) if k % 2 else (with_model, plain):
                t0 = time.process_time()
                explain(t, config=cfg)
                spent[cfg] += time.process_time() - t0
        out[name] = spent[plain] / spent[with_model]
    return out


#: FASPell's OCR split the engine's own pairs are measured on
OCR_TEST = "csc/faspell_ocr_test_1000.jsonl"


def test_with_the_engines_own_pairs(benchmark: Any, request: Any) -> None:
    """``--confusions``: what an OCR engine's own misreadings, counted from
    lines corrected by hand (:func:`cleaner.confusion.count_engine_pairs`),
    add to the in-domain model.  The engine's sample is FASPell's train
    split less every sentence its test split holds (FASPell's train split
    prints 583 of the 1,000 test sentences again); the pieces get FASPell's
    TEST confusions, so that the pairs a piece needs were seen in other
    sentences only, as a user's corrected sample and the text they clean
    would be.  Reported only: it needs the user's data, which the issue's
    targets do not assume.  The first runs (2026-12-05, sixteenth session)
    are in the README."""
    if _quick(request):
        pytest.skip("full mode only")
    from benchmarks.inject.sources import ocr_confusions as confusions_of
    from cleaner.confusion import count_engine_pairs, format_engine_pairs

    def rows(path: Path) -> list[dict[str, Any]]:
        return [json.loads(line) for line in path.read_text(encoding="utf-8").split("\n") if line.strip()]

    test_path, train_path = _path(OCR_TEST), _path("csc/faspell_ocr_train_3575.jsonl")
    held = {r[k] for r in rows(test_path) for k in ("src", "tgt")}
    sample = [(r["src"], r["tgt"]) for r in rows(train_path) if r["src"] not in held and r["tgt"] not in held]
    pairs = tuple(format_engine_pairs(count_engine_pairs(sample)).splitlines())
    table = confusions_of(test_path)
    model = learn_chars(splits()["train"], None)
    for split in ("dev", "test"):
        cases = inject(pieces(splits()[split]), table=table)
        for name, config in (("visual", Config(only=TYPO_RULES, model=model)), ("engine_pairs", Config(only=TYPO_RULES, model=model, confusions=pairs))):
            correct = lambda text, config=config: explain(text, config=config).text  # noqa: E731
            m = benchmark.pedantic(evaluate, args=(cases, correct), rounds=1, iterations=1) if split == "test" and name == "engine_pairs" else evaluate(cases, correct)
            _report(benchmark, f"faspell_test_pairs_{name}_{split}", {**m, "engine_pairs": len(pairs), "sample_lines": len(sample)})


def test_mixed_sources(benchmark: Any, request: Any) -> None:
    """THUCNews test pieces, a model of the THUCNews training articles and
    People's Daily + MSRA together (about 1.16M characters): does text of
    another source add to, or dilute, the same-source model?  Reported only."""
    if _quick(request):
        pytest.skip("full mode only")
    model = learn_chars(splits()["train"] + people_lines(), None)
    for split in ("dev", "test"):
        m = evaluate(_cases(split, False), corrector(model))
        _report(benchmark, f"mixed_{_chars(model) // 1000}k_{split}", m)


def kind_of_confusion(written: str, right: str) -> str:
    """``visual`` when ``right`` is a look-alike of what OCR wrote (the
    visual table's row), ``two-step`` when a look-alike of a look-alike,
    else ``neither``: the candidates the look-alike channel can propose.

    >>> kind_of_confusion("己", "已"), kind_of_confusion("天", "地")
    ('visual', 'neither')
    """
    nb = context.score._default_neighbours()
    if right in {x for x, _ in nb(written)}:
        return "visual"
    return "two-step" if right in context.alikes.two_steps(written, nb) else "neither"


def test_recall_by_kind_of_confusion(benchmark: Any, request: Any) -> None:
    """The injected confusions by how the right character relates to the
    one OCR wrote (:func:`kind_of_confusion`), and the in-domain model's
    recall in each kind.  Reported only: what bounds the in-domain recall.
    2026-12-04 (twelfth session): half of FASPell's real OCR confusions are
    neither (dev 187 of 355, test 161 of 323: 结 for 情, 炮 for 见); the
    look-alikes are a third (114 / 110) and the model restores 0.40 / 0.34
    of them, two steps 0.15 / 0.15, the rest 0.04 / 0.01."""
    if _quick(request):
        pytest.skip("full mode only")
    model = learn_chars(splits()["train"], None)
    correct = corrector(model)

    def run() -> dict[str, dict[str, int]]:
        out: dict[str, dict[str, int]] = {}
        for split in ("dev", "test"):
            for c in _cases(split, False):
                kind = kind_of_confusion(c.damaged[c.pos], c.clean[c.pos])
                row = out.setdefault(f"{split}_{kind}", {"cases": 0, "restored": 0})
                fixed = correct(c.damaged)
                row["cases"] += 1
                row["restored"] += len(fixed) == len(c.damaged) and fixed[c.pos] == c.clean[c.pos]
        return out

    for name, row in benchmark.pedantic(run, rounds=1, iterations=1).items():
        _report(benchmark, f"by_kind_{name}", {**row, "recall": row["restored"] / row["cases"]})


#: the worst case for the n-gram budget: Han characters drawn at random
#: (every 5-gram new), ``MB`` megabytes of UTF-8, learned with the default
#: budget in a process of its own; prints its peak resident memory (MB)
_LEARN_MEMORY_SCRIPT = """
import resource, sys
import numpy as np
from cleaner.typos.charmodel import learn
MB = int(sys.argv[1])
rng = np.random.default_rng(16)
han = np.arange(0x4E00, 0x4E00 + 5000)
def pieces():
    for _ in range(MB * 1_000_000 // 300_000):
        yield "".join(map(chr, han[rng.integers(0, len(han), 100_000)].tolist()))
model = learn(pieces())
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024, sum(model.stats["ngrams"].values()))
"""


def test_learning_memory_is_bounded(benchmark: Any, request: Any) -> None:
    """Issue 16 asks for memory bounded on a 1 GB corpus: the learner's
    peak resident memory on 30 and 120 MB of the worst text for the budget
    (random Han characters, so the budget prunes all along) with the
    default 16 million n-grams.  Reported, and the larger corpus may not
    take more than 1.25 times the smaller's peak (2026-12-04, twelfth
    session: 1,039 MB both, 8 and 35 CPU-seconds).  Full mode only."""
    import subprocess
    import sys

    if _quick(request):
        pytest.skip("full mode only")

    def run() -> dict[str, int]:
        out: dict[str, int] = {}
        for mb in (30, 120):
            done = subprocess.run([sys.executable, "-c", _LEARN_MEMORY_SCRIPT, str(mb)], capture_output=True, text=True, check=True)
            peak, ngrams = map(int, done.stdout.split())
            out[f"peak_rss_mb_{mb}mb"], out[f"ngrams_{mb}mb"] = peak, ngrams
        return out

    m = benchmark.pedantic(run, rounds=1, iterations=1)
    _report(benchmark, "learning_memory", m)
    assert m["peak_rss_mb_120mb"] <= 1.25 * m["peak_rss_mb_30mb"], m
