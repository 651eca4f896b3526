"""Throughput of each rule and of the default pipeline, Chinese and Latin, at
several input sizes, with the references measured in the same run.

Corpora (built by :func:`benchmarks.inject.throughput_text`, seeded):

* ``zh``: Chinese documents (zh-Wikipedia articles as they are, damaged and
  hard-wrapped documents), ``en``: English documents;
* ``zh-longpara``: one Chinese paragraph without a line break, so that a cost
  that grows faster than paragraph length shows up;
* ``sample``: the real OCR'd sample document, as a whole.

Sizes are UTF-8 bytes: 10 KB and 100 KB (quick mode), plus 1 MB (full mode).
Each group (``zh-100KB``...) holds every rule, the pipeline and the two
references, so ``pytest-benchmark compare --group-by=group`` lines them up.

Gates (ratios, never absolute times; a ratio that fails is measured again
with the reference and the target called in turn, and judged on that):

* ``speed.<group>.<target>.vs_ftfy`` / ``.vs_plain``: reference time / target
  time, against the floors below;
* ``scaling.<corpus>.<target>``: time per byte at the smallest size / time
  per byte at the largest size of the run.  1 for linear cost; a cost
  quadratic in input (or paragraph) length gives 0.1 over a tenfold size
  step.  Floor: :data:`SCALING_FLOOR`.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import pytest

import cleaner
from benchmarks import REFERENCES, SAMPLES
from benchmarks.conftest import Measure, median_time, paired_ratio
from benchmarks.gates import Gate
from benchmarks.inject import throughput_text

SIZES: dict[str, int] = {"10KB": 10_000, "100KB": 100_000, "1MB": 1_000_000}
QUICK_SIZES = ("10KB", "100KB")
CORPORA = ("zh", "en", "zh-longpara")
#: rules of typo repair, left out of ``pipeline_notypo`` when registered
TYPO_RULES = ("stutter", "ocr_confusion", "consistency", "lexicon")
TARGETS: tuple[str, ...] = (*cleaner.RULES, "pipeline", "pipeline_notypo")

#: floors of reference time / target time: claims the code makes on any
#: machine.  Keys: (corpus, target, reference); "*" matches any corpus or
#: target; the first match wins.  Regressions smaller than a floor are caught
#: by the baseline ratios instead (``speed`` in baseline.json, from a full
#: run: a ratio to ftfy may not drop below half its baseline).
FLOORS: dict[tuple[str, str, str], float] = {
    ("zh", "pipeline_notypo", "ftfy"): 0.3,
    ("zh-longpara", "pipeline_notypo", "ftfy"): 0.2,
    ("sample", "pipeline_notypo", "ftfy"): 0.2,
    # a single line costs the plain pass almost nothing: no floor against it there
    ("zh-longpara", "*", "plain"): 0.0,
    ("*", "pipeline", "plain"): 1 / 50_000,
    ("*", "*", "plain"): 1 / 20_000,
}
#: smallest allowed (time per byte at the smallest size) / (at the largest):
#: 1 for linear cost, 0.1 for quadratic cost over a tenfold size step
SCALING_FLOOR = 0.2
#: scaling is judged only for targets at least this many times slower than the plain pass
MEMORY_BOUND = 20.0
#: a ratio to ftfy may fall to this share below its baseline before it fails
REGRESSION_TOLERANCE = 0.5
#: a target faster than this (seconds; a rule with nothing to do, such as
#: ``lexicon`` without a lexicon) is timed and reported, but its ratio is not
#: held to a baseline: it measures call overhead and the clock, not the rule
MIN_TIMED = 50e-6


def floor_for(corpus: str, target: str, reference: str) -> float | None:
    for (c, t, r), value in FLOORS.items():
        if r == reference and c in (corpus, "*") and t in (target, "*"):
            return value
    return None


@functools.cache
def corpus_text(corpus: str, size: int) -> str:
    if corpus == "sample":
        return (SAMPLES / "yibin-2021-12.txt").read_text(encoding="utf-8")
    if corpus == "zh-longpara":
        return throughput_text("zh", size, long_paragraph=True)
    return throughput_text(corpus, size)


def target_function(target: str, text: str) -> Callable[[], Any]:
    cfg = cleaner.make_config()
    if target == "pipeline":
        return lambda: cleaner.explain(text, config=cfg)
    if target == "pipeline_notypo":
        off = [r for r in TYPO_RULES if r in cleaner.RULES]
        cfg_notypo = cleaner.make_config(disable=off)
        return lambda: cleaner.explain(text, config=cfg_notypo)
    rule = cleaner.RULES[target]
    return lambda: list(rule.func(text, cfg))


def _sizes(quick: bool) -> tuple[str, ...]:
    return QUICK_SIZES if quick else tuple(SIZES)


def _cases(kind: str) -> list[Any]:
    """All (corpus, size label, name) cases; quick mode deselects the largest
    sizes at run time (pytest.skip) so that test ids stay the same."""
    names = tuple(REFERENCES) if kind == "reference" else TARGETS
    cases = [pytest.param(c, s, n, id=f"{c}-{s}-{n}") for c in CORPORA for s in SIZES for n in names]
    cases += [pytest.param("sample", "whole", n, id=f"sample-whole-{n}") for n in names if n in ("ftfy", "plain", "pipeline", "pipeline_notypo")]
    return cases


def _setup(benchmark: Any, quick: bool, corpus: str, size_label: str) -> tuple[str, str]:
    if size_label != "whole" and size_label not in _sizes(quick):
        pytest.skip(f"{size_label} runs in full mode only")
    if not getattr(benchmark, "enabled", False) and size_label not in ("10KB", "whole"):
        pytest.skip("timing is off (--benchmark-disable): only the 10KB runs, as a smoke test")
    text = corpus_text(corpus, SIZES.get(size_label, 0))
    group = f"{corpus}-{size_label}"
    benchmark.group = group
    return text, group


@pytest.mark.parametrize(("corpus", "size_label", "reference"), _cases("reference"))
def test_reference(benchmark: Any, measure: Measure, gate: Gate, quick: bool, corpus: str, size_label: str, reference: str) -> None:
    """The references: ftfy.fix_text with its defaults, and a plain Python pass."""
    text, group = _setup(benchmark, quick, corpus, size_label)
    fn = REFERENCES[reference]
    out, median = measure(lambda: fn(text), size_bytes=len(text.encode("utf-8")), key=f"{group}/{reference}")
    gate.info("kind", "reference")
    gate.info("corpus", corpus)
    gate.info("chars", len(text))
    assert isinstance(out, str) and len(out) > 0.5 * len(text)


@pytest.mark.parametrize(("corpus", "size_label", "target"), _cases("target"))
def test_throughput(
    benchmark: Any,
    measure: Measure,
    gate: Gate,
    quick: bool,
    reference_time: Callable[[str, str, str], float],
    timings: dict[str, float],
    corpus: str,
    size_label: str,
    target: str,
) -> None:
    """A rule (on the raw text) or the pipeline, timed; ratios gated."""
    text, group = _setup(benchmark, quick, corpus, size_label)
    size = len(text.encode("utf-8"))
    fn = target_function(target, text)
    result, median = measure(fn, size_bytes=size, key=f"{group}/{target}")
    gate.info("kind", "pipeline" if target.startswith("pipeline") else "rule")
    gate.info("corpus", corpus)
    gate.info("chars", len(text))
    if target.startswith("pipeline"):
        assert cleaner.apply_edits(text, result.edits) == result.text  # the timed work is the real work
        gate.info("edits", len(result.edits))
    else:
        gate.info("edits", len(result))
    for ref in REFERENCES:
        floor = floor_for(corpus, target, ref)
        ratio = None if median is None else reference_time(ref, text, group) / median
        gate.speed(
            f"speed.{group}.{target}.vs_{ref}", ratio, floor=floor or 0.0, reference="ftfy.fix_text" if ref == "ftfy" else "plain pass",
            regression_tolerance=REGRESSION_TOLERANCE if ref == "ftfy" and (median is None or median >= MIN_TIMED) else None,
            confirm=functools.partial(paired_ratio, functools.partial(REFERENCES[ref], text), fn),
        )
    sizes = _sizes(quick)
    if corpus != "sample" and size_label == sizes[-1] and len(sizes) > 1 and median is not None:
        small_label = sizes[0]
        small_text = corpus_text(corpus, SIZES[small_label])
        key = f"{corpus}-{small_label}/{target}"
        if key not in timings:  # the small size did not run in this session: measure it now
            timings[key] = median_time(target_function(target, small_text), measure.budget)
        small_per_byte = timings[key] / len(small_text.encode("utf-8"))
        ratio = small_per_byte / (median / size)
        # A target within MEMORY_BOUND times the plain pass's time is bound by memory and
        # caches (the plain pass itself slows down with size): its scaling is reported only.
        plain_small = reference_time("plain", small_text, f"{corpus}-{small_label}")
        judged = timings[key] >= MEMORY_BOUND * plain_small
        gate.speed(
            f"scaling.{corpus}.{target}", ratio, floor=SCALING_FLOOR if judged else 0.0, reference=f"itself at {small_label}",
            note=f"time per byte at {small_label} / at {size_label}" + ("" if judged else "; as fast as memory: not judged"),
            regression_tolerance=None,
            confirm=lambda: paired_ratio(target_function(target, small_text), fn) * size / len(small_text.encode("utf-8")),
        )
