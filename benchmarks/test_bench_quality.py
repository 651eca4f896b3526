"""Quality of the default pipeline, gated against benchmarks/baseline.json.

* ``test_golden``: the hand-checked cases of ``samples/golden`` (input and
  expected output).  One figure per case (1 = output equals the expected
  text), the pass rate, and the character error rate before and after.
* ``test_injected``: seeded corpora with recorded artifacts
  (:mod:`benchmarks.inject`): per-artifact recall, paragraph precision and
  recall, character error rate before and after.  The recall of a class
  whose rule is not registered (or not on by default) is reported, not
  gated.
* ``test_controls``: clean documents that must come back unchanged: the
  change rate is gated at 0 whatever the baseline says.
* ``test_typo_controls``: real Traditional (AS, CityU) and Simplified (PKU,
  MSR, THUCNews) prose, read from ../shared/evaldata at run time (skipped
  when absent): the typo rules must apply no edit at all.

Figures are named ``golden.*`` and ``quality.<corpus>.*``.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from rapidfuzz.distance import Levenshtein

import cleaner
from benchmarks import EVALDATA, GOLDEN, ROOT, evaldata_path
from benchmarks.conftest import Measure
from benchmarks.gates import Gate
from benchmarks.inject import CORPORA, REPAIRED_BY, Document, MissingData, build_corpus
from benchmarks.quality import Score, line_documents, score, typo_edits

INJECTED = [name for name, spec in CORPORA.items() if spec.kind != "control"]
CONTROLS = [name for name, spec in CORPORA.items() if spec.kind == "control"] + ["ftfy-negative"]
#: tolerances: a recall may lose one injection of its class; the rest as below
PARAGRAPH_TOLERANCE = 0.005
CER_TOLERANCE = 0.001


def rule_active(cls: str) -> bool:
    return REPAIRED_BY[cls] in cleaner.make_config().active_rules()


def _clean_all(texts: list[str]) -> list[str]:
    cfg = cleaner.make_config()
    return [cleaner.clean(t, config=cfg) for t in texts]


def _timed_clean(measure: Measure, texts: list[str]) -> list[str]:
    size = sum(len(t.encode("utf-8")) for t in texts)
    outputs, _ = measure(lambda: _clean_all(texts), size_bytes=size, rounds=1)
    return list(outputs)


# --------------------------------------------------------------------------
# golden cases


@dataclass(frozen=True, slots=True)
class GoldenCase:
    name: str
    input: str
    expected: str
    classes: tuple[str, ...]


def golden_cases() -> list[GoldenCase]:
    manifest = json.loads((GOLDEN / "cases.json").read_text(encoding="utf-8"))
    out = []
    for name, meta in manifest.items():
        inp = (GOLDEN / "cases" / f"{name}.in.txt").read_text(encoding="utf-8")
        exp_path = GOLDEN / "cases" / f"{name}.out.txt"
        expected = exp_path.read_text(encoding="utf-8") if exp_path.exists() else inp
        out.append(GoldenCase(name, inp, expected, tuple(meta["classes"])))
    return out


def test_golden(benchmark: Any, measure: Measure, gate: Gate) -> None:
    benchmark.group = "quality"
    cases = golden_cases()
    outputs = _timed_clean(measure, [c.input for c in cases])
    failed = []
    errors_before = errors_after = chars = 0
    by_class: dict[str, list[int]] = {}
    for case, out in zip(cases, outputs):
        ok = out == case.expected
        gate.quality(f"golden.{case.name}", float(ok), tolerance=0.0,
                     limit=1.0 if "control" in case.classes else None,
                     note="a clean control document must come back unchanged" if "control" in case.classes else "")
        if not ok:
            failed.append(case.name)
        errors_before += Levenshtein.distance(case.input, case.expected)
        errors_after += Levenshtein.distance(out, case.expected)
        chars += len(case.expected)
        for cls in case.classes:
            by_class.setdefault(cls, []).append(int(ok))
    gate.quality("golden.pass_rate", (len(cases) - len(failed)) / len(cases), tolerance=0.0)
    gate.quality("golden.cer_after", errors_after / chars, higher_is_better=False, tolerance=CER_TOLERANCE)
    gate.info("golden.cer_before", round(errors_before / chars, 5))
    gate.info("golden.cases", len(cases))
    gate.info("golden.failed", failed)
    gate.info("golden.pass_rate_by_class", {k: round(sum(v) / len(v), 4) for k, v in sorted(by_class.items())})


# --------------------------------------------------------------------------
# injected corpora


def _corpus(name: str) -> list[Document]:
    try:
        return build_corpus(name)
    except MissingData as exc:
        pytest.skip(str(exc))


def _record_score(gate: Gate, name: str, s: Score) -> None:
    for cls, c in sorted(s.classes.items()):
        active = rule_active(cls)
        gate.quality(
            f"quality.{name}.recall.{cls}", c.recall, tolerance=round(1 / c.injected, 6),
            gated=active, note=f"{c.repaired}/{c.injected} repaired" + ("" if active else f"; rule {REPAIRED_BY[cls]!r} not active"),
        )
    gate.quality(f"quality.{name}.paragraph_precision", s.paragraph_precision, tolerance=PARAGRAPH_TOLERANCE)
    gate.quality(f"quality.{name}.paragraph_recall", s.paragraph_recall, tolerance=PARAGRAPH_TOLERANCE)
    gate.quality(f"quality.{name}.cer_after", s.cer_after, higher_is_better=False, tolerance=CER_TOLERANCE)
    gate.info(f"quality.{name}.cer_before", round(s.cer_before, 5))
    gate.info(f"quality.{name}.score", s.to_dict())
    gate.info(f"quality.{name}.misses", s.misses[:12])


@pytest.mark.parametrize("name", INJECTED)
def test_injected(benchmark: Any, measure: Measure, gate: Gate, name: str) -> None:
    docs = _corpus(name)
    benchmark.group = "quality"
    outputs = _timed_clean(measure, [d.text for d in docs])
    s = score(docs, outputs)
    assert s.injections > 0 and s.documents == len(docs)
    _record_score(gate, name, s)


# --------------------------------------------------------------------------
# clean controls


def _ftfy_negative() -> list[Document]:
    """ftfy's test strings that ftfy must leave alone (tests/data, Apache-2.0)."""
    path = ROOT / "tests" / "data" / "ftfy_cases.jsonl"
    if not path.exists():
        pytest.skip(f"{path} not present")
    docs = []
    for k, line in enumerate(path.read_text(encoding="utf-8").split("\n")):
        if not line.strip():
            continue
        case = json.loads(line)
        if case["expect"] == "pass" and case["original"] == case["fixed"]:
            docs.append(Document(f"ftfy-{k}", "en", "lines", case["original"], case["original"]))
    return docs


CONTROL_SOURCES: dict[str, Callable[[], list[Document]]] = {"ftfy-negative": _ftfy_negative}


@pytest.mark.parametrize("name", CONTROLS)
def test_controls(benchmark: Any, measure: Measure, gate: Gate, name: str) -> None:
    docs = CONTROL_SOURCES[name]() if name in CONTROL_SOURCES else _corpus(name)
    benchmark.group = "quality"
    outputs = _timed_clean(measure, [d.text for d in docs])
    s = score(docs, outputs)
    assert s.controls == len(docs) > 0
    changed = [m for m in s.misses if m["class"] == "control"]
    first = f"; first: {changed[0]['document']} {changed[0]['input']!r} -> {changed[0]['output']!r}" if changed else ""
    gate.quality(
        f"quality.{name}.change_rate", s.change_rate, higher_is_better=False, tolerance=0.0, limit=0.0,
        note=f"{s.changed_controls}/{s.controls} clean documents changed{first}",
    )
    gate.info(f"quality.{name}.changed", changed)


# --------------------------------------------------------------------------
# typo controls: real prose, Traditional and Simplified, that the typo rules
# must leave alone (issue 11.1: consistency turned 英國 into 美國)

#: the rules whose applied edits the typo controls count
TYPO_RULES = ("lexicon", "stutter", "ocr_confusion", "consistency")


def _evaldata_text(relative: str) -> str:
    """A file of ../shared/evaldata, read at run time: several of these sets
    are licensed for research or the SIGHAN bakeoff only and must never be
    copied into the repository."""
    path = evaldata_path(relative)
    if path is None:
        pytest.skip(f"evaluation data not present: {EVALDATA / relative}")
    return path.read_text(encoding="utf-8")


def _thucnews() -> list[str]:
    rows = _evaldata_text("prose/thucnews_cnews_val_1000.tsv").splitlines()
    return [row.split("\t", 1)[1] for row in rows if "\t" in row]


def _s2t(text: str) -> str:
    import opencc

    return opencc.OpenCC("s2t").convert(text)


#: name -> the documents: the SIGHAN-2005 test files keep a sentence (AS: a
#: clause) a line, so slices of lines are documents of a few hundred
#: characters; the whole files are the long documents where a term repeats
#: (the AS file had 301 consistency edits, CityU 59)
TYPO_CONTROLS: dict[str, Callable[[], list[str]]] = {
    "typo-control-as": lambda: line_documents(_evaldata_text("trad/icwb2_as_test.utf8.txt"), 20),
    "typo-control-as-whole": lambda: [_evaldata_text("trad/icwb2_as_test.utf8.txt")],
    "typo-control-cityu": lambda: line_documents(_evaldata_text("trad/icwb2_cityu_test.utf8.txt"), 5),
    "typo-control-cityu-whole": lambda: [_evaldata_text("trad/icwb2_cityu_test.utf8.txt")],
    "typo-control-pku": lambda: line_documents(_evaldata_text("prose/icwb2_pku_test.utf8.txt"), 20),
    "typo-control-msr": lambda: line_documents(_evaldata_text("prose/icwb2_msr_test.utf8.txt"), 20),
    "typo-control-thucnews": _thucnews,
    # the same Simplified prose in Traditional characters must get the same verdicts
    "typo-control-pku-s2t-whole": lambda: [_s2t(_evaldata_text("prose/icwb2_pku_test.utf8.txt"))],
    "typo-control-msr-s2t-whole": lambda: [_s2t(_evaldata_text("prose/icwb2_msr_test.utf8.txt"))],
}


@pytest.mark.parametrize("name", list(TYPO_CONTROLS))
def test_typo_controls(benchmark: Any, gate: Gate, name: str) -> None:
    """Real, edited prose: the default pipeline may reflow it, but no typo
    rule may apply a single edit (suggestions are fine)."""
    texts = TYPO_CONTROLS[name]()
    benchmark.group = "quality"
    cfg = cleaner.make_config()
    # one run, no warm-up round: a figure of quality, not of speed
    explanations = benchmark.pedantic(lambda: [cleaner.explain(t, config=cfg) for t in texts], rounds=1, iterations=1)
    found = typo_edits(texts, explanations, TYPO_RULES)
    first = f"; first: {found[0].rule} {found[0].before}->{found[0].after} in {found[0].context!r}" if found else ""
    gate.quality(
        f"quality.{name}.typo_edits", len(found), higher_is_better=False, tolerance=0.0, limit=0.0,
        note=f"{len(found)} typo edits applied in {len(texts)} clean documents{first}",
    )
    gate.info(f"quality.{name}.documents", len(texts))
    gate.info(f"quality.{name}.edits", [dataclasses.asdict(e) for e in found[:20]])
