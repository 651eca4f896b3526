"""The candidates at a text's suspects: look-alikes, the corpus's middles,
two-step look-alikes, long-word and dictionary proposals, with their
channel costs; the C proposals (``_cleaner_speedups.proposals``) and the
Python reference beside them, and the look-alikes left out at isolated
suspects (:data:`~.settings.CONTEXT_LONE_BESIDE`)."""

from __future__ import annotations

import bisect
import weakref
from collections.abc import Iterable, Sequence
from itertools import compress
from typing import TYPE_CHECKING, cast

import numpy as np

from .. import guards
from ..model import WordModel, code_points, search_positions
from . import settings
from .alikes import CODE_BITS, CTables, Neighbours, alike_table, c_tables, look_alike_row, traditional_table, two_steps
from .detect import OwnNgrams, suspect_masks
from .middles import corpus_proposals, middle_runs, runs_of
from .words import near_long_words, word_proposals

if TYPE_CHECKING:
    from ..charmodel import CharModel


#: positions, characters, channel costs, look-alike or not, the isolated
#: positions and the long-word flags of :func:`_py_proposals`
Proposals = tuple[list[int], list[str], list[float], list[bool], frozenset[int], list[bool | None]]


def proposals_of(text: str, cm: CharModel, nb_fn: Neighbours, m: WordModel, ids: np.ndarray | None = None, *, left_out: list[LeftOut] | None = None, own: OwnNgrams | None = None) -> Proposals:
    """:func:`_py_proposals` in one C call when the module is built and the
    neighbours are the visual table's (``_cleaner_speedups.proposals``: the
    suspects, the corpus's middles, the look-alikes and the long-word
    proposals' 4-gram counts, in that function's order): the dozen numpy
    calls and the loops per suspect cost about 0.46 ms a 300-character
    piece of unseen news, the C call 0.1 ms (0.2 on a first read of the
    model's tables).  ``ids``: ``cm.ids(text)`` when the caller has them.
    The C call's buffers are read as lists (no numpy arrays: 20 -> 9 ms of
    post-processing over 323 unseen pieces).  ``left_out``: when given
    (and :func:`apart_on`), the look-alikes of :func:`_split_apart` are not
    among the candidates but appended to it (one :data:`LeftOut`).
    ``own``: see :func:`suspect_masks`."""
    sink = left_out if left_out is not None and apart_on(cm) else None
    found = c_proposal_buffers(text, cm, nb_fn, ids, apart=sink is not None, own=own)
    if found is None:
        if sink is None:
            return _py_proposals(text, cm, nb_fn, m, own=own)
        kept, away = _split_apart(text, cm, _py_proposals(text, cm, nb_fn, m, own=own), cm.ids(text) if ids is None else ids)
        sink.append(away)
        return kept
    isolated, pos_buf, codes, deficit, kind_buf, *away_bufs = found
    costs = (0.0, settings.CONTEXT_TWO_STEP_COST, settings.CONTEXT_LONG_WORD_COST, settings.CONTEXT_CORPUS_COST, settings.CONTEXT_TWO_STEP_NEAR_COST or 0.0)  # by kind, after the look-alikes'
    kinds = _int64s(kind_buf)
    slope, cost = settings.CONTEXT_CHANNEL_SLOPE, settings.CONTEXT_CHANNEL_COST
    # the channel costs in a list (one product, one sum per float, as numpy did: the same floats): with the look-alikes left out (CONTEXT_LONE_BESIDE) 28 candidates a piece of unseen news, where a loop costs less than numpy's calls (5.5 -> 4.2 us with the kinds' lists)
    chan = [d * slope + cost if k == 0 else costs[k] for d, k in zip(memoryview(deficit).cast("d").tolist(), kinds)]
    flags: list[bool | None] = [None if k == 2 else False for k in kinds] if 2 in kinds else [False] * len(kinds)
    taken: list[tuple[int, str]] = []
    if sink is not None:
        away = _left_out_of(cm, cm.ids(text) if ids is None else ids, *away_bufs)
        sink.append(away)
        taken = list(zip(away[0].tolist(), map(chr, away[3].tolist()))) if settings.CONTEXT_WORD_PROPOSAL_COST is not None else []
    return _with_word_proposals(text, cm, m, (_int64s(pos_buf), list(map(chr, _int64s(codes))), chan, [k == 0 for k in kinds], frozenset(_int64s(isolated)), flags), taken=taken)


def _with_word_proposals(text: str, cm: CharModel, m: WordModel, found: Proposals, *, taken: Iterable[tuple[int, str]] = ()) -> Proposals:
    """``found`` with the dictionary's proposals (:func:`word_proposals`)
    at its isolated suspects, after the other candidates of each position
    (both the C and the Python proposals go through here); none of
    ``taken`` (the look-alikes left out, :func:`_split_apart`)."""
    pos, alts, chan, visual, lone, flags = found
    if settings.CONTEXT_WORD_PROPOSAL_COST is None or not lone:
        return found
    extra = word_proposals(text, cm, m, sorted(lone), set(zip(pos, alts)).union(taken))
    if not extra:
        return found
    pos = pos + [i for i, _ in extra]
    alts = alts + [x for _, x in extra]
    chan = chan + [settings.CONTEXT_WORD_PROPOSAL_COST] * len(extra)
    visual = visual + [False] * len(extra)
    flags = flags + [False] * len(extra)
    order = sorted(range(len(pos)), key=pos.__getitem__)  # stable: per position, the dictionary's last
    return [pos[j] for j in order], [alts[j] for j in order], [chan[j] for j in order], [visual[j] for j in order], lone, [flags[j] for j in order]


def _c_proposal_lists(text: str, cm: CharModel, nb_fn: Neighbours, ids: np.ndarray | None = None) -> tuple[list[int], list[int], list[int], list[float], list[int]] | None:
    """:func:`_c_proposals` as lists (read straight from the C call's
    buffers), or None where :func:`_py_proposals` runs."""
    out = c_proposal_buffers(text, cm, nb_fn, ids)
    if out is None:
        return None
    isolated, pos, codes, deficit, kind = out[:5]
    return _int64s(isolated), _int64s(pos), _int64s(codes), cast(list[float], memoryview(deficit).cast("d").tolist()), _int64s(kind)


def _int64s(buffer: bytearray) -> list[int]:
    """The native int64 values of ``buffer``.

    >>> _int64s(bytearray(np.array([5, -1], dtype=np.int64).tobytes()))
    [5, -1]
    """
    return memoryview(buffer).cast("q").tolist()


def _c_proposals(text: str, cm: CharModel, nb_fn: Neighbours) -> tuple[np.ndarray, ...] | None:
    """``_cleaner_speedups.proposals`` of ``text`` (the isolated positions,
    then per candidate its position, code point, similarity deficit and
    kind: 0 a look-alike, 1 a corpus proposal two steps away in the visual
    table (:func:`two_steps`) or a two-step candidate beside a neighbour
    (:func:`_two_steps_beside`), 2 a long-word proposal, 3 another corpus
    proposal, 4 a two-step candidate where what is written is not isolated
    (:func:`_two_steps_between`)), or None where :func:`_py_proposals` runs: no C module, other
    neighbours than the visual table's or an engine's pairs added to it
    (:func:`c_tables`: their rows of every character, checked for each of
    the basic block).  With a model
    learned from its input, the suspects are found here (:func:`_given_suspects`)."""
    out = c_proposal_buffers(text, cm, nb_fn)
    if out is None:
        return None
    isolated, pos, codes, deficit, kind = out[:5]
    return np.frombuffer(isolated, dtype=np.int64), np.frombuffer(pos, dtype=np.int64), np.frombuffer(codes, dtype=np.int64), np.frombuffer(deficit, dtype=np.float64), np.frombuffer(kind, dtype=np.int64)


def c_proposal_buffers(text: str, cm: CharModel, nb_fn: Neighbours, ids: np.ndarray | None = None, *, apart: bool = False, cp: np.ndarray | None = None, own: OwnNgrams | None = None) -> tuple[bytearray, ...] | None:
    """The eight buffers of ``_cleaner_speedups.proposals`` (int64 but the
    deficits, float64) or None (see :func:`_c_proposals`): five of the
    candidates, three of the look-alikes left out (positions, code points,
    deficits: :func:`_split_apart`, only with ``apart``); ``ids``:
    ``cm.ids(text)`` when the caller has them, ``cp``: ``code_points(text)``."""
    tables = c_tables(nb_fn)
    if settings.SPEEDUPS is None or tables is None or not text or (settings.CONTEXT_NEAR_PAIRS is not None and settings.CONTEXT_NEAR_PAIRS < 0):
        return None  # (a count below 0: no suspect but the isolated ones, which C reads as -1, any)
    long_on = settings.CONTEXT_LONG_WORD is not None and bool(settings.CONTEXT_CORPUS_CANDIDATES)
    values = (settings.CONTEXT_DETECT, settings.CONTEXT_DETECT_PAIRS, settings.CONTEXT_CORPUS_CANDIDATES, settings.CONTEXT_CORPUS_MIN_COUNT, settings.CONTEXT_CORPUS_CANDIDATES if long_on else 0, max(settings.CONTEXT_CORPUS_MIN_COUNT, 1), settings.CONTEXT_LONG_WORD_MIN_COUNT, 0 if settings.CONTEXT_TWO_STEP_BESIDE is None else max(settings.CONTEXT_TWO_STEP_BESIDE, 1), settings.CONTEXT_TWO_STEP_NEAR_LIMIT if settings.CONTEXT_TWO_STEP_NEAR_COST is not None else 0, int(apart), -1 if settings.CONTEXT_NEAR_PAIRS is None else settings.CONTEXT_NEAR_PAIRS)
    held = _PROPOSAL_ARGS.get(cm)
    if held is None or held[0] != values or held[1] is not cm.counts or held[2] is not cm.table or held[3] is not cm._vocab_codes or held[4] is not tables:
        held = (values, cm.counts, cm.table, cm._vocab_codes, tables, *_proposal_args(cm, values, tables))
        _PROPOSAL_ARGS[cm] = held
    cp = code_points(text) if cp is None else cp
    ids = cm.table[cp].astype(np.int64) if ids is None else ids
    given = _given_suspects(text, cm, own=own, ids=ids) if cm.stats.get("from_input") else _FIND_THEM
    out = settings.SPEEDUPS.proposals(*held[5], ids, cp, *held[6], given)
    return None if out is NotImplemented else tuple(out)


#: what ``_cleaner_speedups.proposals`` is given to find the suspects itself
_FIND_THEM = b""


def _given_suspects(text: str, cm: CharModel, *, own: OwnNgrams | None = None, ids: np.ndarray | None = None) -> np.ndarray:
    """The suspects of :func:`suspect_masks`, one byte a character, as the C
    proposals take them from a model learned from its input (whose text's
    own n-grams do not count: the C detection counts them): 2 an isolated
    suspect, 1 another, 0 none.

    >>> from cleaner.typos.charmodel import learn
    >>> cm = learn(["我们在北京工作。"] * 3 + ["他在北涼。"], keep_repeats=True)
    >>> cm.stats["from_input"] = True
    >>> _given_suspects("他在北涼。", cm).tolist()
    [2, 1, 1, 2, 0]
    """
    found, isolated = suspect_masks(text, cm, own=own, ids=ids)
    return found.astype(np.uint8) + isolated.astype(np.uint8)  # (isolated ones are found too)


#: per model, the arguments of ``_cleaner_speedups.proposals`` around the
#: text's (:func:`_proposal_args`), with the parameters and the model's
#: arrays they were made for: made again when one of those changes
_PROPOSAL_ARGS: weakref.WeakKeyDictionary[CharModel, tuple[tuple[int, ...], np.ndarray, np.ndarray, np.ndarray, CTables, tuple[object, ...], tuple[object, ...]]] = weakref.WeakKeyDictionary()


def _proposal_args(cm: CharModel, values: tuple[int, ...], tables: CTables) -> tuple[tuple[object, ...], tuple[object, ...]]:
    """The arguments of ``_cleaner_speedups.proposals`` before the text's
    ids and code points, and after them (the parameters ``values`` as int64,
    the two-step table of ``tables``, the pair bitmaps): the same arrays
    every call, so gathered once per model and table (1.7 us a call of
    Python)."""
    table = tables.alikes
    params = np.array(values, dtype=np.int64)
    head = (*cm._c_table, cm.counts, *cm._c_middles, table.keys, table.rank, table.deficit, tables.starts, cm.table, cm._vocab_codes, traditional_table())
    tail = (params, tables.two_keys, tables.two_starts, _pair_bits(cm, max(settings.CONTEXT_TWO_STEP_BESIDE or 1, 1)), _pair_bits(cm, 1), _pair_bits(cm, max(settings.CONTEXT_NEAR_PAIRS or 0, 0) + 1))
    return head, tail


def _py_proposals(text: str, cm: CharModel, nb_fn: Neighbours, m: WordModel, *, own: OwnNgrams | None = None) -> Proposals:
    """Per suspect, its look-alikes that the model knows (with the channel
    cost) and the characters the corpus writes between its neighbours
    (:meth:`CharModel.middles`, one batch for the text); and the isolated
    suspects.  Where what is written is not isolated, a look-alike the
    corpus never writes between the same two neighbours is dropped before
    it is scored (on the dev split none of them scored a repair; they were
    15 of 16 look-alikes there: time only), and the corpus proposes only
    characters that complete a long word (:data:`CONTEXT_LONG_WORD`) or
    that are two steps away in the visual table (:func:`_two_steps_between`);
    at isolated suspects all count in the text's noise, and the characters
    two steps away that the corpus writes beside a neighbour are candidates
    too (:func:`_two_steps_beside`).  Per position: the look-alikes, then
    the corpus's proposals, then those two steps away.  Last, per candidate:
    whether it completes a long word: None where it may (at suspects that
    are not isolated, :func:`_verified`), False elsewhere until it is scored
    (:func:`score_all` looks the few that reach a score up)."""
    trad = guards.traditional_chars()
    found_mask, isolated = suspect_masks(text, cm, own=own)
    at = np.flatnonzero(isolated if settings.CONTEXT_DETECT_PAIRS else found_mask)  # Han characters, all below U+A000
    at = at[~traditional_table()[code_points(text)[at]]]
    is_lone = isolated[at]
    found, lone, near = at.tolist(), at[is_lone].tolist(), at[~is_lone].tolist()
    runs = middle_runs(text, cm, found)  # one look-up of the corpus's middles for every use below
    near_runs = runs_of(runs, ~is_lone)  # read, never written, by both users
    pos_list, alt_list, deficit = _visual_candidates(text, cm, nb_fn, lone, near, runs=near_runs)
    chan = (settings.CONTEXT_CHANNEL_COST + settings.CONTEXT_CHANNEL_SLOPE * deficit).tolist()
    visual = [True] * len(pos_list)
    n_visual = len(pos_list)
    extra_at: list[int] = []
    extra_alt: list[str] = []
    for i, extra in zip(lone, corpus_proposals(text, lone, cm, runs=runs_of(runs, is_lone))):
        seen = {text[i], *alt_list[bisect.bisect_left(pos_list, i, 0, n_visual) : bisect.bisect_right(pos_list, i, 0, n_visual)]}
        for x in extra:
            if x not in seen and "\u4e00" <= x <= "\u9fff" and x not in trad:  # is_han_run of one character
                seen.add(x)
                extra_at.append(i)
                extra_alt.append(x)
    for i, x in zip(extra_at, extra_alt):  # at isolated suspects a long word lifts guards, it costs as any proposal
        chan.append(settings.CONTEXT_TWO_STEP_COST if x in two_steps(text[i], nb_fn) else settings.CONTEXT_CORPUS_COST)
    pos_list += extra_at
    alt_list += extra_alt
    listed = set(zip(pos_list, alt_list))
    beside_at, beside_alt = _two_steps_beside(text, cm, nb_fn, lone, listed)
    pos_list += beside_at
    alt_list += beside_alt
    chan += [settings.CONTEXT_TWO_STEP_COST] * len(beside_at)
    listed.update(zip(beside_at, beside_alt))
    visual += [False] * (len(pos_list) - n_visual)
    flags_: list[bool | None] = [False] * len(pos_list)  # at isolated suspects found when scored (score_all)
    between = _two_steps_between(text, cm, nb_fn, near, near_runs, listed)
    taken = listed.union(between)  # a middle two steps away is no long-word proposal
    for i, x in zip(*near_long_words(text, near, cm, m, verify=False, runs=near_runs)):
        if (i, x) not in taken and "\u4e00" <= x <= "\u9fff" and x not in trad:  # is_han_run of one character
            pos_list.append(i)
            alt_list.append(x)
            chan.append(settings.CONTEXT_LONG_WORD_COST)
            visual.append(False)
            flags_.append(None)  # a long word, unless _verified finds none
    for i, x in between:
        pos_list.append(i)
        alt_list.append(x)
        chan.append(cast(float, settings.CONTEXT_TWO_STEP_NEAR_COST))
        visual.append(False)
        flags_.append(False)
    lone_set = frozenset(np.flatnonzero(isolated).tolist())
    if len(pos_list) == n_visual:
        return _with_word_proposals(text, cm, m, (pos_list, alt_list, chan, visual, lone_set, flags_))  # already by position
    order = sorted(range(len(pos_list)), key=pos_list.__getitem__)  # per position: look-alikes, then proposals
    return _with_word_proposals(text, cm, m, ([pos_list[j] for j in order], [alt_list[j] for j in order], [chan[j] for j in order], [visual[j] for j in order], lone_set, [flags_[j] for j in order]))


#: per model, :func:`_pair_bits` by the count they were made for
_PAIR_BITS: weakref.WeakKeyDictionary[CharModel, dict[int, np.ndarray]] = weakref.WeakKeyDictionary()


def _pair_bits(cm: CharModel, least: int) -> np.ndarray:
    """One bit per pair of ids (``left << 12 | right``, little-endian within
    each byte: 2 MB): whether the corpus writes the pair at least ``least``
    times, then a summary of one bit per 64 pairs (32 KB); made once per model (and count), so that the C proposals test
    two-step candidates beside a neighbour (:func:`_two_steps_beside`) with
    two bit reads, not two searches of the n-gram table.

    >>> from cleaner.typos.charmodel import learn
    >>> cm = learn(["天气很好。"] * 2)
    >>> bits = _pair_bits(cm, 2)
    >>> l, r = cm.ids("天气").tolist()
    >>> bool(bits[(l << 12 | r) >> 3] >> ((l << 12 | r) & 7) & 1), bool(bits[(r << 12 | l) >> 3] >> ((r << 12 | l) & 7) & 1)
    (True, False)
    """
    held = _PAIR_BITS.get(cm)
    if held is not None and least in held:  # the common case first: no import, no setdefault
        return held[least]
    from ..charmodel import BITS, huge_pages

    held = _PAIR_BITS.setdefault(cm, {})
    flags = np.zeros(1 << (2 * BITS), dtype=bool)
    flags[cm.pairs_at_least(least)] = True
    # then one bit per 64 pairs, set when one of them is (32 KB): the C reads it first, and a pair the corpus does not write mostly stays out of the 2 MB
    bits = np.concatenate((np.packbits(flags, bitorder="little"), np.packbits(flags.reshape(-1, 64).any(axis=1), bitorder="little")))
    held[least] = bits = huge_pages(bits)  # read at random by the C proposals
    return bits


def _two_steps_beside(text: str, cm: CharModel, nb_fn: Neighbours, lone: Sequence[int], listed: set[tuple[int, str]]) -> tuple[list[int], list[str]]:
    """At the isolated suspects ``lone`` between two Han characters
    (:data:`CONTEXT_TWO_STEP_BESIDE`): the look-alikes of the look-alikes of
    what is written, not ``listed`` there, that the model knows and the
    corpus writes beside the left or the right neighbour
    :data:`CONTEXT_TWO_STEP_BESIDE` times or more, as positions and
    characters (by position, then by code point).

    >>> from cleaner.typos.charmodel import learn
    >>> rows = {"洋": [("泮", 0.9)], "泮": [("洋", 0.9), ("京", 0.8)], "京": [("泮", 0.8)]}
    >>> cm = learn(["北京的工作。"] * 20 + ["上海工作。"])
    >>> _two_steps_beside("在北洋工作", cm, lambda c: rows.get(c, []), [2], set())
    ([2], ['京'])
    >>> _two_steps_beside("在北洋工作", learn(["北京的工作。"] * 3), lambda c: rows.get(c, []), [2], set())
    ([], [])
    """
    if settings.CONTEXT_TWO_STEP_BESIDE is None or not lone:
        return [], []
    from ..charmodel import BITS, FIRST_ID

    trad = guards.traditional_chars()
    rows: dict[str, tuple[list[str], np.ndarray]] = {}  # per written character, once: its characters two steps away that the model knows and may be proposed, and their ids
    at: list[int] = []
    chars: list[list[str]] = []  # per position of at
    arrays: list[np.ndarray] = []
    for i in lone:
        if not (0 < i < len(text) - 1 and "\u4e00" <= text[i - 1] <= "\u9fff" and "\u4e00" <= text[i + 1] <= "\u9fff"):
            continue
        c = text[i]
        row = rows.get(c)
        if row is None:
            xs = [x for x in sorted(two_steps(c, nb_fn)) if x != c and "\u4e00" <= x <= "\u9fff" and x not in trad]
            known = cm.ids("".join(xs)).astype(np.int64)
            keep = np.flatnonzero(known >= FIRST_ID)
            row = rows[c] = ([xs[k] for k in keep.tolist()], known[keep])
        if row[0]:
            at.append(i)
            chars.append(row[0])
            arrays.append(row[1])
    if not at:
        return [], []
    sizes = np.fromiter(map(len, chars), dtype=np.int64, count=len(chars))
    where, new = np.repeat(np.asarray(at, dtype=np.int64), sizes), np.concatenate(arrays)  # per position, by code point
    ids = cm.ids(text).astype(np.int64)
    bits = _pair_bits(cm, max(settings.CONTEXT_TWO_STEP_BESIDE, 1))  # the pairs written that often: two bit reads, not two searches of the n-gram table

    def written(left: np.ndarray, right: np.ndarray) -> np.ndarray:
        key = left << BITS | right
        return (bits[key >> 3] >> (key & 7) & 1).astype(bool)

    picked = np.flatnonzero(written(ids[where - 1], new) | written(new, ids[where + 1]))
    ends = np.cumsum(sizes)
    of = np.searchsorted(ends, picked, side="right")  # the position of each
    found = [(at[s], chars[s][k]) for s, k in zip(of.tolist(), (picked - (ends[of] - sizes[of])).tolist())]
    found = [(i, x) for i, x in found if (i, x) not in listed]  # the few that pass: not listed there already
    return [i for i, _ in found], [x for _, x in found]


def _two_steps_between(text: str, cm: CharModel, nb_fn: Neighbours, near: Sequence[int], runs: tuple[np.ndarray, ...], listed: set[tuple[int, str]]) -> list[tuple[int, str]]:
    """At the suspects ``near`` (not isolated) between two Han characters
    (:data:`CONTEXT_TWO_STEP_NEAR_COST`): the characters the corpus writes
    between the same neighbours (``runs``: their :func:`middle_runs`, in
    the corpus's order) that are look-alikes of look-alikes of what is
    written, not ``listed`` there, as (position, character) pairs.

    >>> from cleaner.typos.charmodel import learn
    >>> rows = {"洋": [("泮", 0.9)], "泮": [("洋", 0.9), ("京", 0.8)], "京": [("泮", 0.8)]}
    >>> cm = learn(["在北京工作。", "北洋。"] * 3)
    >>> _two_steps_between("在北洋工作", cm, lambda c: rows.get(c, []), [2], middle_runs("在北洋工作", cm, [2]), set())
    [(2, '京')]
    """
    if settings.CONTEXT_TWO_STEP_NEAR_COST is None or not len(near):
        return []
    owner, rank, mids, _ = runs
    trad = guards.traditional_chars()
    out: list[tuple[int, str]] = []
    for o, r, code in zip(owner.tolist(), rank.tolist(), cm.codes(mids).tolist()):
        i = near[o]
        if r >= settings.CONTEXT_TWO_STEP_NEAR_LIMIT or not (0 < i < len(text) - 1 and "\u4e00" <= text[i - 1] <= "\u9fff" and "\u4e00" <= text[i + 1] <= "\u9fff") or not 0x4E00 <= code <= 0x9FFF:
            continue
        x = chr(code)
        if x != text[i] and (i, x) not in listed and x not in trad and x in two_steps(text[i], nb_fn):
            out.append((i, x))
    return out


def _visual_candidates(
    text: str, cm: CharModel, nb_fn: Neighbours, lone: Sequence[int], near: Sequence[int], *, runs: tuple[np.ndarray, ...] | None = None
) -> tuple[list[int], list[str], np.ndarray]:
    """The look-alikes the model knows, in the order of their rows, by
    position, with their similarity deficits: all of them at the ``lone``
    (isolated) suspects; at the others (``near``) only those the corpus
    writes between the same two neighbours, found from that side (the
    corpus's middles of each pair that are look-alikes of what is written:
    2 per suspect on news, against 14 look-alikes; ``runs``:
    :func:`middle_runs` of ``near`` when the caller has it)."""
    from ..charmodel import FIRST_ID

    pos: list[np.ndarray] = []
    rank: list[np.ndarray] = []
    alts: list[str] = []
    deficit: list[np.ndarray] = []
    if lone:
        rows = [look_alike_row(text[i], nb_fn) for i in lone]
        joined = "".join(row for row, _ in rows)
        sizes = np.fromiter((len(row) for row, _ in rows), dtype=np.int64, count=len(rows))
        known = cm.ids(joined) >= FIRST_ID
        pos.append(np.repeat(np.asarray(lone, dtype=np.int64), sizes)[known])
        rank.append((np.arange(len(joined), dtype=np.int64) - np.repeat(np.cumsum(sizes) - sizes, sizes))[known])
        alts.extend(compress(joined, known.tolist()))
        deficit.append(np.concatenate([dist for _, dist in rows])[known])
    if near:
        at = np.asarray(near, dtype=np.int64)
        owner, _, mids, _ = middle_runs(text, cm, near) if runs is None else runs
        tables = c_tables(nb_fn)
        table = tables.alikes if tables is not None else alike_table({text[i] for i in near}, nb_fn)
        codes = cm.codes(mids)
        key = (code_points(text)[at[owner]] << CODE_BITS) | codes
        j = search_positions(table.keys, key) if len(table.keys) else np.zeros(len(key), dtype=np.int64)
        hit = table.keys[j] == key if len(table.keys) else np.zeros(len(key), dtype=bool)
        pos.append(at[owner[hit]])
        rank.append(table.rank[j[hit]])
        alts.extend(map(chr, codes[hit].tolist()))
        deficit.append(table.deficit[j[hit]])
    if not pos:
        return [], [], np.zeros(0)
    all_pos, all_rank = np.concatenate(pos), np.concatenate(rank)
    order = np.lexsort((all_rank, all_pos))
    return all_pos[order].tolist(), [alts[k] for k in order.tolist()], np.concatenate(deficit)[order]


#: the look-alikes left out (:func:`_split_apart`): positions (ascending),
#: character model gains, channel costs and code points
LeftOut = tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]


def apart_on(cm: CharModel) -> bool:
    """Whether look-alikes are left out (:data:`CONTEXT_LONE_BESIDE`): only
    where an isolated suspect's pairs are never written (the detection at
    :data:`CONTEXT_DETECT` 0, a model not learned from its input), which
    the gain of :attr:`CharModel.solo_logp` needs."""
    return settings.CONTEXT_LONE_BESIDE and settings.CONTEXT_DETECT == 0 and not cm.stats.get("from_input")


def _split_apart(text: str, cm: CharModel, found: Proposals, ids: np.ndarray) -> tuple[Proposals, LeftOut]:
    """``found`` without the look-alikes at isolated suspects that the
    corpus writes beside neither neighbour (beyond the text: the edge of a
    document), and those, with their gains (:attr:`CharModel.solo_logp`):
    the reference of the C proposals' (``params[P_APART]``).

    >>> from cleaner.typos.charmodel import learn
    >>> cm = learn(["北京很好。", "天凉了。"] * 3)
    >>> found = ([3, 3], ["京", "天"], [8.0, 9.0], [True, True], frozenset({3}), [False, False])
    >>> kept, away = _split_apart("他说北凉。", cm, found, cm.ids("他说北凉。"))
    >>> kept[1], away[0].tolist(), [chr(c) for c in away[3].tolist()]  # 北京 is written; 北天, 天。 are not
    (['京'], [3], ['天'])
    """
    from ..charmodel import BITS, EDGE

    pos, alts, chan, visual, lone, flags = found
    js = [j for j, (p, v) in enumerate(zip(pos, visual)) if v and p in lone]
    at = np.array([pos[j] for j in js], dtype=np.int64)
    codes = np.array([ord(alts[j]) for j in js], dtype=np.int64)
    x = cm.table[codes].astype(np.int64)
    padded = np.concatenate(([EDGE], np.asarray(ids, dtype=np.int64), [EDGE]))
    bits = _pair_bits(cm, 1)
    left, right = (padded[at] << BITS) | x, (x << BITS) | padded[at + 2]
    apart = (((bits[left >> 3] >> (left & 7)) & 1) | ((bits[right >> 3] >> (right & 7)) & 1)) == 0
    drop = set(compress(js, apart.tolist()))
    keep = [j not in drop for j in range(len(pos))]
    kept: Proposals = (list(compress(pos, keep)), list(compress(alts, keep)), list(compress(chan, keep)), list(compress(visual, keep)), lone, list(compress(flags, keep)))
    solo = cm.solo_logp
    return kept, (at[apart], solo[x[apart]] - solo[ids[at[apart]]], np.array([chan[j] for j in js], dtype=np.float64)[apart], codes[apart])


def _left_out_of(cm: CharModel, ids: np.ndarray, pos_buf: bytearray, code_buf: bytearray, deficit_buf: bytearray) -> LeftOut:
    """The C proposals' look-alikes left out as :data:`LeftOut` (the same
    floats as :func:`_split_apart`'s)."""
    pos, codes = np.frombuffer(pos_buf, dtype=np.int64), np.frombuffer(code_buf, dtype=np.int64)
    solo = cm.solo_logp
    return pos, solo[cm.table[codes]] - solo[ids[pos]], np.frombuffer(deficit_buf, dtype=np.float64) * settings.CONTEXT_CHANNEL_SLOPE + settings.CONTEXT_CHANNEL_COST, codes
