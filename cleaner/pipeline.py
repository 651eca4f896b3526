"""The pipeline: run the active rules in order and account for every change."""

from __future__ import annotations

import bisect
from collections.abc import Callable, Iterable, Iterator
from itertools import accumulate, compress, repeat, starmap
from operator import is_not, itemgetter, sub
from dataclasses import dataclass
from typing import Any, cast

from .config import Config, make_config
from .edits import Edit, OffsetMap, Suggestion, apply_edits, compose, edit_outputs
from .registry import RULES
from .rule import Rule
from .dedup.key import forget_recent_keys
from .rules.paragraphs import forget_layouts
from .rules.script import RULE as SCRIPT

__all__ = ["Explanation", "explain", "clean"]

#: fields of an Edit by position, for whole-list passes
_START, _END, _AFTER, _REF = itemgetter(1), itemgetter(2), itemgetter(4), itemgetter(6)


@dataclass(frozen=True, slots=True)
class Explanation:
    """The cleaned text, the edits that made it (spans on the input, in
    order) and the suggestions that were not applied."""

    text: str
    edits: tuple[Edit, ...]
    suggestions: tuple[Suggestion, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """The explanation as JSON-ready data: the text, and the edits and
        suggestions as report rows (see :meth:`cleaner.Edit.to_dict`).

        >>> explain("你好,世界", only=["width"]).to_dict()
        {'text': '你好，世界', 'edits': [{'rule': 'width', 'start': 2, 'end': 3, 'before': ',', 'after': '，'}], 'suggestions': []}
        """
        return {"text": self.text, "edits": [e.to_dict() for e in self.edits], "suggestions": [s.to_dict() for s in self.suggestions]}

    def counts(self) -> dict[str, int]:
        """Edits per rule (a merged edit counts for each of its rules)."""
        out: dict[str, int] = {}
        for e in self.edits:
            for r in e.rules:
                out[r] = out.get(r, 0) + 1
        return out


def _config(config: Config | None, options: dict[str, Any]) -> Config:
    if config is None:
        return make_config(**options)
    if options:
        return config.replace(**options)
    return config


def _check_text(text: object) -> str:
    if isinstance(text, (bytes, bytearray, memoryview)):
        raise TypeError(
            "cleaner works on str, not bytes: decode the bytes first "
            "(for example data.decode('utf-8')), or use the `cleaner` command, which detects the encoding"
        )
    if not isinstance(text, str):
        raise TypeError(f"expected str, not {type(text).__name__}")
    return text


def explain(text: str, *, config: Config | None = None, **options: Any) -> Explanation:
    """Clean ``text`` and say how: the result, every edit, every suggestion.

    Options are the fields of :class:`cleaner.Config`, keyword-only.

    >>> r = explain("今天,我们 去公园。", only=["width"])
    >>> r.text
    '今天，我们 去公园。'
    >>> [(e.rule, e.start, e.end, e.before, e.after) for e in r.edits]
    [('width', 2, 3, ',', '，')]
    """
    original = _check_text(text)
    cfg = _config(config, options)
    try:
        return _explain(original, cfg)
    finally:
        # what the rules remembered of this document (for their runs after
        # a drop) goes with it: nothing carries over to the next document
        forget_recent_keys()
        forget_layouts()


def _explain(original: str, cfg: Config) -> Explanation:
    state = _State(original)
    active = [RULES[n] for n in cfg.active_rules()]
    seen: dict[str, int] = {}  # the text version each rule last ran on
    for rule in active:
        if rule.stage == "prepare":
            judged = state.version
            changed = state.run(rule, cfg)
            # a rule that is not idempotent has not judged its own output
            seen[rule.name] = judged if changed and not rule.idempotent else state.version
    normalizers = [r for r in active if r.stage == "normalize" or (r.stage == "prepare" and r.idempotent)]
    _normalize(state, normalizers, cfg, seen)
    final = [r for r in active if r.stage == "final"]
    for _ in range(MAX_ROUNDS):
        # Dropping a paragraph makes new neighbours (a line that ends in a
        # comma now stands above a Chinese paragraph): the normalizers judge
        # them now, and the drops are looked for again, as a second clean
        # would.
        dropped = False
        for rule in final:
            if rule.removes_paragraphs:  # they come first: boilerplate, dedup
                dropped |= state.run(rule, cfg)
        if not dropped:
            break
        _normalize(state, normalizers, cfg, seen)
    rejudge = cfg.script == "auto" and SCRIPT in active
    typos = [r for r in final if not r.removes_paragraphs]
    for round_ in range(MAX_ROUNDS):
        version = state.version
        if rejudge:
            _rejudge_script(state, SCRIPT, normalizers, cfg, seen)
        if round_ and state.version == version:
            break  # the typo rules have judged this text already
        # A typo repair can change the document's script counts (one
        # Traditional character fewer can make its Simplified majority clear),
        # so "auto" judges again what they leave, and they judge what it
        # converted, as a second clean would.
        for rule in typos:
            state.run(rule, cfg)
        if not rejudge:
            break
    # (a typo rule that judged twice may propose the same change twice)
    state.suggestions = sorted(dict.fromkeys(state.suggestions), key=lambda s: (s.start, s.end))
    return Explanation(state.current, tuple(state.edits), tuple(state.suggestions))


#: the normalizers repeat until a round changes nothing, at most this often
MAX_ROUNDS = 4


def _rejudge_script(state: _State, script: Rule, normalizers: list[Rule], cfg: Config, seen: dict[str, int]) -> None:
    """Let script "auto" judge again the text the other rules left, until it
    has nothing more to convert (at most :data:`MAX_ROUNDS` times).

    "auto" decides line by line and on the document's majority: a line that
    the rounds joined to its paragraph, and a document that lost repeated
    paragraphs, are judged again, as a second clean would.  A conversion can
    in turn let ``paragraphs`` join more (``主|義`` is no word, ``主|义`` is),
    so one more judgement is needed until a judgement changes nothing.  This
    ends: "auto" only converts stray characters of the minority script, and
    each productive run leaves fewer of them.  (Running OpenCC again over
    converted text is what is not idempotent; "auto" leaves text it has
    converted alone, since it holds no stray character any more.)
    """
    for _ in range(MAX_ROUNDS):
        if seen.get(script.name) == state.version:
            return  # nothing changed since it last judged
        judged = state.version
        changed = state.run(script, cfg)
        # what it converted is judged again too: converting stray characters
        # can make the document's majority clear enough for a paragraph
        # wholly in the other script to be converted (a second clean would)
        seen[script.name] = judged if changed else state.version
        if not changed:
            return
        _normalize(state, normalizers, cfg, seen)


def _normalize(state: _State, normalizers: list[Rule], cfg: Config, seen: dict[str, int]) -> None:
    """Run the normalizers in rounds until a round changes nothing."""
    for _ in range(MAX_ROUNDS):
        changed = False
        for rule in normalizers:
            # Each rule is idempotent on its own output: when nothing has
            # changed the text since it last ran, it has nothing to do.
            if seen.get(rule.name) == state.version:
                continue
            # A rule with a reach reads again only the neighbourhood of what
            # changed since it last ran: elsewhere the text is as it left it.
            changed |= state.run(rule, cfg, local=True)
            seen[rule.name] = state.version
        if not changed:
            break


class _State:
    """The text as the rules have left it, and the edits (on the input) so far."""

    def __init__(self, original: str) -> None:
        self.original = original
        self.current = original
        self.edits: list[Edit] = []
        self.suggestions: list[Suggestion] = []
        self.version = 0  # bumped by every change
        #: per rule with a reach (or a resume) that has run: the spans of the current text
        #: changed since (sorted, disjoint; an empty span where text was deleted)
        self.changed: dict[str, list[tuple[int, int]]] = {}

    def _items(self, rule: Rule, cfg: Config, local: bool) -> Iterable[Edit | Suggestion]:
        """The rule's edits and suggestions on the current text: on the whole
        of it, or (``local``, for a rule with a reach that has run before) on
        the ranges its reach gives around what changed since it ran, or (for
        a rule that resumes) from where it left off."""
        spans = self.changed.get(rule.name)
        if local and rule.resume is not None and spans is not None:
            return rule.resume(self.current, cfg, spans)
        if not local or rule.reach is None or spans is None:
            # (no acts here: on the whole text the rule's own first scan is that one)
            return rule.func(self.current, cfg)
        return self._around(rule, cfg, spans)

    def _around(self, rule: Rule, cfg: Config, spans: list[tuple[int, int]]) -> Iterator[Edit | Suggestion]:
        """The rule's items on the ranges its reach gives around ``spans``."""
        text = self.current
        ranges = rule.reach(text, spans) if spans and rule.reach is not None else []
        if rule.acts is not None:  # (nothing there it could change: most ranges, tested in one C loop)
            ranges = list(compress(ranges, map(rule.acts, map(text.__getitem__, starmap(slice, ranges)))))
        for a, b in ranges:
            for item in rule.func(text[a:b], cfg):
                yield item._replace(start=item.start + a, end=item.end + a)

    def run(self, rule: Rule, cfg: Config, *, local: bool = False) -> bool:
        """Run one rule; whether it changed the text."""
        items = list(self._items(rule, cfg, local))
        if rule.reach is not None or rule.resume is not None:  # (a rule without either reads the whole text anyway)
            self.changed[rule.name] = []  # (its output is a fixed point for it)
        if not items:
            return False
        if set(map(type, items)) - {Edit}:
            new_edits = [item for item in items if not isinstance(item, Suggestion)]
            new_suggestions = [item for item in items if isinstance(item, Suggestion)]
        else:  # (most runs: edits only)
            new_edits, new_suggestions = cast(list[Edit], items), []
        refs = any(map(is_not, map(_REF, new_edits), repeat(None)))
        outputs = None  # (where the edits so far stand in the current text, when read)
        if new_suggestions or refs:  # (spans on the current text, to map to the input)
            outputs = edit_outputs(self.edits)  # (read once for the map and for compose)
            mapper = OffsetMap(self.edits, outputs)
            self.suggestions.extend(mapper.map_edit(s) for s in new_suggestions)  # type: ignore[misc]
            if refs:
                new_edits = [mapper.map_edit(e) if e.ref is not None else e for e in new_edits]  # type: ignore[misc]
        if not new_edits:
            return False
        nxt = apply_edits(self.current, new_edits)
        self.edits = compose(self.original, self.current, self.edits, new_edits, outputs=outputs)
        self.current = nxt
        self.version += 1
        others = [name for name in self.changed if name != rule.name]
        if others:
            # what the edits wrote, merged once for every rule that has run;
            # a rule's own earlier spans are moved past the edits and added
            written = _written(new_edits)
            move = None
            for name in others:
                spans = self.changed[name]
                if spans:
                    move = move or _mover(new_edits)
                    self.changed[name] = _merge(move(spans) + written)
                else:  # (most: a rule that has just run)
                    self.changed[name] = written[:]
        return True


def _map_spans(spans: list[tuple[int, int]], edits: list[Edit]) -> list[tuple[int, int]]:
    """Spans of a text, moved to where they stand after sorted ``edits``; a
    span end inside an edit moves to cover what the edit wrote.

    >>> _map_spans([(0, 2), (5, 7)], [Edit("x", 1, 3, "bc", ""), Edit("x", 6, 6, "", "zz")])
    [(0, 1), (3, 7)]
    """
    return _mover(edits)(spans)


def _mover(edits: list[Edit]) -> Callable[[list[tuple[int, int]]], list[tuple[int, int]]]:
    """:func:`_map_spans` for sorted ``edits``, their positions read once for
    every list of spans moved past them."""
    starts = list(map(_START, edits))
    ends = list(map(_END, edits))
    lengths = list(map(len, map(_AFTER, edits)))
    shift = [0, *accumulate(map(sub, lengths, map(sub, ends, starts)))]
    n = len(edits)

    def moved(x: int, end: bool) -> int:
        k = bisect.bisect_right(ends, x)  # edits that end at or before x
        if k < n and starts[k] < x:  # x inside edit k
            return starts[k] + shift[k] + (lengths[k] if end else 0)
        return x + shift[k]

    return lambda spans: [(moved(a, False), moved(b, True)) for a, b in spans]


def _written(edits: list[Edit]) -> list[tuple[int, int]]:
    """``_merge(spans_after(edits))`` in one pass (the spans come sorted).

    >>> _written([Edit("x", 1, 3, "bc", ""), Edit("x", 3, 4, "d", "e"), Edit("x", 6, 6, "", "zz")])
    [(1, 2), (4, 6)]
    """
    out: list[tuple[int, int]] = []
    append = out.append
    delta = 0
    end = -1  # the end of out[-1]
    for e in edits:
        a = e.start + delta
        n = len(e.after)
        b = a + n
        delta += n - (e.end - e.start)
        if out and a <= end:
            if b > end:
                out[-1] = (out[-1][0], b)
                end = b
        else:
            append((a, b))
            end = b
    return out


def _merge(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Sorted, disjoint spans covering the given ones (touching ones merged).

    >>> _merge([(5, 7), (0, 2), (2, 3), (6, 9), (12, 12)])
    [(0, 3), (5, 9), (12, 12)]
    """
    out: list[tuple[int, int]] = []
    append = out.append
    end = -1  # the end of out[-1]
    for span in sorted(spans):
        a, b = span
        if out and a <= end:
            if b > end:
                out[-1] = (out[-1][0], b)
                end = b
        else:
            append(span)  # (the same tuple: no new object for the collector to track)
            end = b
    return out


def clean(text: str, *, config: Config | None = None, **options: Any) -> str:
    """Clean ``text`` with the default pipeline (or the given options).

    Clean text comes back unchanged:

    >>> clean("这是一段干净的中文。")
    '这是一段干净的中文。'
    """
    return explain(text, config=config, **options).text

