"""The fault and bad-input campaign: the command as users and operators meet it.

``python -m benchmarks.campaign`` runs every case through the real command
(``python -m cleaner.cli`` in a subprocess), each in its own temporary
folder, and prints a Markdown table of cases and passes per category, then
the failures with what was seen.  Exit status 0 when every case passed.

Categories: bad input (text and JSON Lines), several inputs with one bad,
colliding output paths, linked outputs, file modes, disk and OS errors
(``/dev/full``, a 64 KB tmpfs and a read-only mount when running as root),
interruption of the main process and of a worker, ``cleaner dedup`` inputs
that crashed it, damaged caches, and text the cleaner must leave alone.
``--only CATEGORY`` runs one category; ``--list`` names the cases.

What each case expects is the contract the README states: exit 0 on
success, 1 on bad input (naming the file and line), 2 on bad usage
(including colliding outputs), the I/O exit code on an OS error, 130 on
Ctrl-C and 143 on SIGTERM; never a traceback; and after a failure no output
written (no file, no leftover temporary file).

The redundant 1 GB ``cleaner dedup`` run is separate (it takes many
minutes): ``python -m benchmarks.redundant_corpus`` when present.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import signal
import stat
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

#: exit code of an OS error (disk full, unwritable path): EX_IOERR from sysexits.h
EXIT_IO = 74

ZH = "这个城市的经济发展很快，人们的生活水平不断提高。越来越多的年轻人选择回到家乡工作。\n"
ZH_TRAD = "美國總統昨天發表講話。美國政府表示，美國將繼續支持盟友。美國媒體報導了這件事，英國首相也發表聲明。\n"
EN = "The quick brown fox jumps over the lazy dog. This sentence is clean and must not change.\n"
DAMAGED = "这是一个被  分开的句子,其中有ASCII的逗号(和括号)。\n\n中华人民共和国成立于一九四九年。\n中华人民共和国成立于一九四九年。\n"


@dataclass(frozen=True)
class Outcome:
    ok: bool
    detail: str = ""


Check = Callable[[Path], Outcome]


@dataclass(frozen=True)
class Case:
    category: str
    name: str
    check: Check


CASES: list[Case] = []


def case(category: str, name: str) -> Callable[[Check], Check]:
    def register(fn: Check) -> Check:
        CASES.append(Case(category, name, fn))
        return fn

    return register


# --------------------------------------------------------------------------
# running the command


def env(**extra: str) -> dict[str, str]:
    e = dict(os.environ, PYTHONIOENCODING="utf-8")
    e.update(extra)
    return e


def cli(*args: str, cwd: Path, stdin: bytes | None = None, timeout: float = 180, **kw: object) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "cleaner.cli", *args], input=stdin, capture_output=True, cwd=cwd, env=env(), timeout=timeout, **kw
    )


def start(*args: str, cwd: Path, **kw: object) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "cleaner.cli", *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=cwd, env=env(), **kw
    )


def err(p: subprocess.CompletedProcess[bytes] | tuple[int, bytes]) -> str:
    data = p[1] if isinstance(p, tuple) else p.stderr
    return data.decode("utf-8", "replace")


def expect(p: subprocess.CompletedProcess[bytes], code: int | tuple[int, ...], *needles: str, one_line: bool = True) -> Outcome:
    """Exit code as expected, no traceback, the needles in stderr (and, for a
    failure, a short message: at most two lines besides a usage line)."""
    codes = (code,) if isinstance(code, int) else code
    text = err(p)
    if p.returncode not in codes:
        return Outcome(False, f"exit {p.returncode}, wanted {codes}: {text.strip()[-300:]}")
    if "Traceback" in text:
        return Outcome(False, "traceback on stderr: " + text.strip()[-300:])
    missing = [n for n in needles if n not in text]
    if missing:
        return Outcome(False, f"stderr lacks {missing}: {text.strip()[-300:]}")
    if one_line and p.returncode != 0:
        lines = [ln for ln in text.splitlines() if ln.strip() and not ln.startswith(("usage:", "  "))]
        if len(lines) > 2:
            return Outcome(False, f"{len(lines)} lines of message: {text.strip()[-300:]}")
    return Outcome(True)


def both(*outcomes: Outcome) -> Outcome:
    for o in outcomes:
        if not o.ok:
            return o
    return Outcome(True)


def absent(*paths: Path) -> Outcome:
    there = [str(p) for p in paths if p.exists() or p.is_symlink()]
    return Outcome(not there, f"written although the run failed: {there}" if there else "")


def no_temp_files(folder: Path, allowed: set[str]) -> Outcome:
    extra = sorted(p.name for p in folder.iterdir() if p.name not in allowed)
    return Outcome(not extra, f"left behind: {extra}" if extra else "")


def same(path: Path, data: bytes) -> Outcome:
    got = path.read_bytes() if path.exists() else None
    return Outcome(got == data, "" if got == data else f"{path.name} changed: {got!r:.200}")


def write(path: Path, data: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return path


def jsonl(*texts: str) -> bytes:
    return "".join(json.dumps({"id": i, "text": t}, ensure_ascii=False) + "\n" for i, t in enumerate(texts)).encode()


# --------------------------------------------------------------------------
# bad input


@case("bad input", "missing input file")
def _(d: Path) -> Outcome:
    return both(expect(cli("clean", "nope.txt", "-o", "out.txt", cwd=d), 1, "nope.txt"), absent(d / "out.txt"))


@case("bad input", "a folder as input")
def _(d: Path) -> Outcome:
    (d / "dir").mkdir()
    return expect(cli("clean", "dir", "-o", "out.txt", cwd=d), (1, 2), "dir")


@case("bad input", "binary file (PNG bytes)")
def _(d: Path) -> Outcome:
    write(d / "x.png", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4)
    return both(expect(cli("clean", "x.png", "-o", "out.txt", cwd=d), 1, "x.png"), absent(d / "out.txt"))


@case("bad input", "invalid UTF-8 with --encoding utf-8 names the line")
def _(d: Path) -> Outcome:
    write(d / "x.txt", ZH.encode() + b"\xff\xfe bad\n")
    return both(expect(cli("clean", "--encoding", "utf-8", "x.txt", "-o", "o.txt", cwd=d), 1, "x.txt", "line 2"), absent(d / "o.txt"))


@case("bad input", "unknown --encoding is a usage error")
def _(d: Path) -> Outcome:
    write(d / "x.txt", ZH)
    return expect(cli("clean", "--encoding", "no-such-codec", "x.txt", cwd=d), 2, "no-such-codec")


@case("bad input", "a damaged --model file: one line before any output")
def _(d: Path) -> Outcome:
    write(d / "x.txt", ZH)
    write(d / "m.npz", b"PK\x03\x04 cut short")
    return both(expect(cli("clean", "--model", "m.npz", "x.txt", "-o", "o.txt", cwd=d), 1, "m.npz", "cleaner learn"), absent(d / "o.txt"))


@case("bad input", "a damaged --lexicon file: one line before any output")
def _(d: Path) -> Outcome:
    write(d / "x.txt", ZH)
    write(d / "terms.txt", b"\xff\xfe\x00bad")
    return both(expect(cli("clean", "--lexicon", "terms.txt", "x.txt", "-o", "o.txt", cwd=d), 1, "terms.txt"), absent(d / "o.txt"))


@case("bad input", "empty file")
def _(d: Path) -> Outcome:
    write(d / "x.txt", b"")
    p = cli("clean", "x.txt", cwd=d)
    return both(expect(p, 0), Outcome(p.stdout == b"", repr(p.stdout[:80])))


@case("bad input", "whitespace-only file")
def _(d: Path) -> Outcome:
    write(d / "x.txt", " \n\t\n")
    return expect(cli("clean", "x.txt", cwd=d), 0)


for _label, _codec, _text in (("GBK", "gbk", ZH), ("Big5", "big5", ZH_TRAD), ("UTF-16 with BOM", "utf-16", ZH)):

    def _decoded(d: Path, codec: str = _codec, text: str = _text) -> Outcome:
        write(d / "x.txt", text.encode(codec))
        p = cli("clean", "x.txt", cwd=d)
        return both(expect(p, 0), Outcome(p.stdout.decode("utf-8", "replace").strip() == text.strip(), p.stdout.decode("utf-8", "replace")[:80]))

    case("bad input", f"{_label} input is decoded, clean text unchanged")(_decoded)


for _label, _text in (("English", EN), ("Simplified", ZH), ("Traditional", ZH_TRAD), ("CRLF", (ZH + EN).replace("\n", "\r\n"))):

    def _unchanged(d: Path, text: str = _text) -> Outcome:
        p = cli("clean", cwd=d, stdin=text.encode())
        return both(expect(p, 0), Outcome(p.stdout == text.encode(), f"changed: {p.stdout.decode('utf-8', 'replace')[:120]!r}"))

    case("bad input", f"clean {_label} text comes back byte for byte")(_unchanged)


@case("bad input", "a 5 MB single line")
def _(d: Path) -> Outcome:
    write(d / "x.txt", ZH.strip() * 40_000)
    return expect(cli("clean", "x.txt", "-o", "o.txt", "-q", cwd=d, timeout=600), 0)


for _args, _label in (
    (("--bogus",), "unknown option"),
    (("--jobs", "-1"), "--jobs -1"),
    (("--dedup-threshold", "200"), "--dedup-threshold 200"),
    (("--only", "no_such_rule"), "unknown rule"),
    (("--keep", "middle"), "bad --keep"),
    (("--in-place",), "--in-place without a file"),
):

    def _usage(d: Path, args: tuple[str, ...] = _args) -> Outcome:
        return expect(cli("clean", *args, cwd=d, stdin=ZH.encode()), 2)

    case("usage", f"clean {_label} exits 2")(_usage)


@case("usage", "dedup --threshold 101 exits 2")
def _(d: Path) -> Outcome:
    return expect(cli("dedup", "--threshold", "101", cwd=d, stdin=ZH.encode()), 2)


# --------------------------------------------------------------------------
# JSON Lines


@case("json lines", "invalid JSON names file and line, no output")
def _(d: Path) -> Outcome:
    write(d / "c.jsonl", jsonl(ZH) + b"{not json\n")
    return both(expect(cli("clean", "--jsonl", "c.jsonl", "-o", "o.jsonl", cwd=d), 1, "c.jsonl", "line 2"), absent(d / "o.jsonl"))


for _line, _label in ((b"[1, 2]\n", "a record that is not an object"), (b'{"id": 1}\n', "a record without the field"), (b'{"text": 5}\n', "a field that is not a string")):

    def _badrec(d: Path, line: bytes = _line) -> Outcome:
        write(d / "c.jsonl", jsonl(ZH) + line)
        return both(expect(cli("clean", "--jsonl", "c.jsonl", "-o", "o.jsonl", cwd=d), 1, "c.jsonl", "line 2"), absent(d / "o.jsonl"))

    case("json lines", f"{_label}: exit 1 naming the line")(_badrec)


@case("json lines", "--on-error skip counts the bad record")
def _(d: Path) -> Outcome:
    write(d / "c.jsonl", jsonl(ZH) + b"{oops\n" + jsonl(EN))
    p = cli("clean", "--jsonl", "c.jsonl", "-o", "o.jsonl", "--on-error", "skip", cwd=d)
    n = len((d / "o.jsonl").read_bytes().splitlines()) if (d / "o.jsonl").exists() else -1
    return both(expect(p, 0, "1 bad record"), Outcome(n == 2, f"{n} records out"))


@case("json lines", "--on-error quarantine keeps the bad line")
def _(d: Path) -> Outcome:
    write(d / "c.jsonl", jsonl(ZH) + b"{oops\n")
    p = cli("clean", "--jsonl", "c.jsonl", "-o", "o.jsonl", "--on-error", "quarantine", "q.jsonl", cwd=d)
    q = (d / "q.jsonl").read_bytes() if (d / "q.jsonl").exists() else b""
    return both(expect(p, 0), Outcome(b"{oops" in q, repr(q[:120])))


@case("json lines", "a UTF-8 BOM on line 1 is accepted")
def _(d: Path) -> Outcome:
    write(d / "c.jsonl", b"\xef\xbb\xbf" + jsonl(ZH, EN))
    p = cli("clean", "--jsonl", "c.jsonl", "-o", "o.jsonl", "--on-error", "skip", cwd=d)
    n = len((d / "o.jsonl").read_bytes().splitlines()) if (d / "o.jsonl").exists() else -1
    return both(expect(p, 0), Outcome(n == 2 and "bad" not in err(p), f"{n} records out; {err(p).strip()}"))


@case("json lines", "--encoding gb18030 is honoured with --jsonl")
def _(d: Path) -> Outcome:
    write(d / "c.jsonl", jsonl(ZH).decode().encode("gb18030"))
    p = cli("clean", "--jsonl", "--encoding", "gb18030", "c.jsonl", cwd=d)
    return both(expect(p, 0), Outcome(p.stdout == jsonl(ZH), repr(p.stdout[:120])))


@case("json lines", "unchanged records come out byte for byte (numbers, escapes, spacing)")
def _(d: Path) -> Outcome:
    lines = [
        b'{"text": "' + ZH.strip().encode() + b'", "big": 1e400, "n": 12345678901234567890123}\n',
        b'{ "n" : 1e5 , "text" : "clean \\u4e2d\\u6587 text.", "x": [1.0, 2.50] }\n',
        b'{"text": "A line \\/ with escapes \\"quoted\\".", "k": null}\n',
    ]
    write(d / "c.jsonl", b"".join(lines))
    p = cli("clean", "--jsonl", "c.jsonl", cwd=d)
    return both(expect(p, 0), Outcome(p.stdout == b"".join(lines), repr(p.stdout[:300])))


@case("json lines", "a changed record keeps every other byte")
def _(d: Path) -> Outcome:
    line = b'{"n": 1e5, "text": "' + "这是一个句子,有ASCII的逗号。".encode() + b'", "big": 12345678901234567890123}\n'
    write(d / "c.jsonl", line)
    p = cli("clean", "--jsonl", "c.jsonl", cwd=d)
    out = p.stdout
    ok = out.startswith(b'{"n": 1e5, "text": "') and out.endswith(b'", "big": 12345678901234567890123}\n') and out != line
    return both(expect(p, 0), Outcome(ok, repr(out[:300])))


@case("json lines", "duplicate keys are not lost silently")
def _(d: Path) -> Outcome:
    line = b'{"text": "' + ZH.strip().encode() + b'", "a": 1, "a": 2}\n'
    write(d / "c.jsonl", line)
    p = cli("clean", "--jsonl", "c.jsonl", cwd=d)
    if p.returncode == 1:
        return expect(p, 1, "line 1")
    return both(expect(p, 0), Outcome(p.stdout == line, repr(p.stdout[:200])))


for _flag in ("--in-place", "--output-dir"):

    def _jsonl_dest(d: Path, flag: str = _flag) -> Outcome:
        src = write(d / "c.jsonl", jsonl("这是一个句子,有ASCII的逗号。"))
        before = src.read_bytes()
        args = ["clean", "--jsonl", "c.jsonl", flag] + (["out"] if flag == "--output-dir" else [])
        p = cli(*args, cwd=d)
        if p.returncode == 2:
            return expect(p, 2)
        target = d / "out" / "c.jsonl" if flag == "--output-dir" else src
        got = target.read_bytes() if target.exists() else b""
        return both(expect(p, 0), Outcome(got != before and b"\xef\xbc\x8c" in got and p.stdout == b"", f"{target}: {got[:100]!r}, stdout {p.stdout[:60]!r}"))

    case("json lines", f"--jsonl with {_flag} is honoured or refused")(_jsonl_dest)


# --------------------------------------------------------------------------
# several inputs, one bad


def _inputs(d: Path, n: int = 6) -> list[str]:
    names = []
    for i in range(n):
        write(d / f"in{i}.txt", f"第{i}个文件。" + DAMAGED)
        names.append(f"in{i}.txt")
    write(d / "bad.bin", b"\x00\x01\x02\xff" * 300)
    return names


@case("several inputs", "one bad file: --output-dir writes nothing")
def _(d: Path) -> Outcome:
    names = _inputs(d)
    p = cli("clean", *names, "bad.bin", "--output-dir", "out", cwd=d)
    out = sorted(x.name for x in (d / "out").iterdir()) if (d / "out").exists() else []
    return both(expect(p, 1, "bad.bin"), Outcome(not out, f"written: {out}"))


@case("several inputs", "one bad file with -j2: --output-dir writes nothing")
def _(d: Path) -> Outcome:
    names = _inputs(d, 40)
    p = cli("clean", "-j", "2", *names[:20], "bad.bin", *names[20:], "--output-dir", "out", cwd=d)
    out = sorted(x.name for x in (d / "out").iterdir()) if (d / "out").exists() else []
    return both(expect(p, 1, "bad.bin"), Outcome(not out, f"{len(out)} written"))


@case("several inputs", "one bad file: --in-place replaces nothing (GBK input too)")
def _(d: Path) -> Outcome:
    names = _inputs(d)
    write(d / "gbk.txt", DAMAGED.encode("gbk"))
    before = {n: (d / n).read_bytes() for n in [*names, "gbk.txt"]}
    p = cli("clean", "gbk.txt", *names, "bad.bin", "--in-place", cwd=d)
    changed = [n for n, b in before.items() if (d / n).read_bytes() != b]
    return both(expect(p, 1, "bad.bin"), Outcome(not changed, f"replaced: {changed}"))


@case("several inputs", "one bad JSON Lines file: -o is not written")
def _(d: Path) -> Outcome:
    write(d / "a.jsonl", jsonl(DAMAGED))
    write(d / "b.jsonl", jsonl(DAMAGED) + b"{bad\n")
    p = cli("clean", "--jsonl", "a.jsonl", "b.jsonl", "-o", "o.jsonl", cwd=d)
    return both(expect(p, 1, "b.jsonl"), absent(d / "o.jsonl"), no_temp_files(d, {"a.jsonl", "b.jsonl"}))


@case("several inputs", "two inputs with the same name into one --output-dir")
def _(d: Path) -> Outcome:
    write(d / "a" / "x.txt", ZH)
    write(d / "b" / "x.txt", EN)
    p = cli("clean", "a/x.txt", "b/x.txt", "--output-dir", "out", cwd=d)
    return expect(p, 2, "x.txt")


# --------------------------------------------------------------------------
# colliding outputs


def _collide(args: list[str], setup: Callable[[Path], None] | None = None, command: str = "clean") -> Check:
    def check(d: Path) -> Outcome:
        write(d / "in.txt", DAMAGED)
        write(d / "in.jsonl", jsonl(DAMAGED, DAMAGED))
        if setup:
            setup(d)
        before = {p.name: p.read_bytes() for p in d.iterdir() if p.is_file()}
        p = cli(command, *args, cwd=d)
        changed = [n for n, b in before.items() if (d / n).read_bytes() != b]
        return both(expect(p, 2), Outcome(not changed, f"changed: {changed}"))

    return check


def _hardlink(d: Path) -> None:
    os.link(d / "in.txt", d / "hard.txt")


def _symlink(d: Path) -> None:
    os.symlink("in.txt", d / "link.txt")


for _cmd, _args, _label, _setup in (
    ("clean", ["in.txt", "-o", "same.jsonl", "--report", "same.jsonl"], "-o and --report the same", None),
    ("clean", ["--jsonl", "in.jsonl", "-o", "x.jsonl", "--on-error", "quarantine", "x.jsonl"], "-o and the quarantine the same", None),
    ("clean", ["--jsonl", "in.jsonl", "-o", "o.jsonl", "--report", "r.jsonl", "--on-error", "quarantine", "r.jsonl"], "--report and the quarantine the same", None),
    ("clean", ["in.txt", "-o", "in.txt"], "-o is the input", None),
    ("clean", ["in.txt", "-o", "./sub/../in.txt"], "-o is the input, spelled differently", lambda d: (d / "sub").mkdir()),
    ("clean", ["in.txt", "-o", "hard.txt"], "-o is a hard link of the input", _hardlink),
    ("clean", ["in.txt", "-o", "link.txt"], "-o is a symlink to the input", _symlink),
    ("clean", ["in.txt", "-o", "o.txt", "--report", "in.txt"], "--report is the input", None),
    ("clean", ["in.txt", "--output-dir", "."], "--output-dir would overwrite the input", None),
    ("dedup", ["in.txt", "-o", "c.jsonl", "--clusters", "c.jsonl"], "dedup -o and --clusters the same", None),
    ("dedup", ["in.txt", "-o", "r.jsonl", "--report", "r.jsonl"], "dedup -o and --report the same", None),
    ("dedup", ["in.txt", "-o", "z.db", "--index", "z.db"], "dedup -o and --index the same", None),
    ("dedup", ["in.txt", "-o", "o.txt", "--clusters", "in.txt"], "dedup --clusters is the input", None),
    ("dedup", ["in.txt", "-o", "o.txt", "--index", "in.txt"], "dedup --index is the input", None),
    ("dedup", ["in.txt", "-o", "o.txt", "--report", "c.jsonl", "--clusters", "c.jsonl"], "dedup --report and --clusters the same", None),
):
    case("colliding outputs", _label + ": exit 2, nothing changed")(_collide(_args, _setup, _cmd))


# --------------------------------------------------------------------------
# links


@case("links", "--output-dir: a link out/a.txt -> another file leaves that file alone")
def _(d: Path) -> Outcome:
    write(d / "a.txt", DAMAGED)
    victim = write(d / "victim.txt", "precious\n")
    (d / "out").mkdir()
    os.symlink(d / "victim.txt", d / "out" / "a.txt")
    p = cli("clean", "a.txt", "--output-dir", "out", cwd=d)
    if p.returncode == 2:
        return both(expect(p, 2), same(victim, b"precious\n"))
    return both(expect(p, 0), same(victim, b"precious\n"), Outcome(not (d / "out" / "a.txt").is_symlink(), "still a link"))


@case("links", "--output-dir: a dangling link does not create its target")
def _(d: Path) -> Outcome:
    write(d / "a.txt", DAMAGED)
    (d / "out").mkdir()
    os.symlink(d / "created-elsewhere.txt", d / "out" / "a.txt")
    p = cli("clean", "a.txt", "--output-dir", "out", cwd=d)
    return both(expect(p, (0, 2)), absent(d / "created-elsewhere.txt"))


@case("links", "dedup --output-dir: a link to the input does not rewrite the input")
def _(d: Path) -> Outcome:
    text = "The first paragraph is long enough to count.\n\nThe second paragraph is long too, really.\n"
    write(d / "src" / "a.txt", text)
    write(d / "src" / "b.txt", text)
    (d / "out").mkdir()
    os.symlink(d / "src" / "a.txt", d / "out" / "b.txt")
    p = cli("dedup", "src/a.txt", "src/b.txt", "--output-dir", "out", cwd=d)
    return both(expect(p, (0, 2)), same(d / "src" / "a.txt", text.encode()))


@case("links", "-o a link to another file leaves that file alone")
def _(d: Path) -> Outcome:
    write(d / "a.txt", DAMAGED)
    victim = write(d / "victim.txt", "precious\n")
    os.symlink("victim.txt", d / "o.txt")
    p = cli("clean", "a.txt", "-o", "o.txt", cwd=d)
    return both(expect(p, (0, 2)), same(victim, b"precious\n"))


@case("links", "--report a link to another file leaves that file alone")
def _(d: Path) -> Outcome:
    write(d / "a.txt", DAMAGED)
    victim = write(d / "victim.txt", "precious\n")
    os.symlink("victim.txt", d / "r.jsonl")
    p = cli("clean", "a.txt", "-o", "o.txt", "--report", "r.jsonl", cwd=d)
    return both(expect(p, (0, 2)), same(victim, b"precious\n"))


@case("links", "--in-place on a linked input: no traceback, the link stays a link")
def _(d: Path) -> Outcome:
    write(d / "real.txt", DAMAGED)
    os.symlink("real.txt", d / "link.txt")
    p = cli("clean", "link.txt", "--in-place", cwd=d)
    return both(expect(p, (0, 2)), Outcome((d / "link.txt").is_symlink(), "the link was replaced by a file"))


# --------------------------------------------------------------------------
# file modes


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def _with_umask(mask: int, fn: Callable[[], subprocess.CompletedProcess[bytes]]) -> subprocess.CompletedProcess[bytes]:
    old = os.umask(mask)
    try:
        return fn()
    finally:
        os.umask(old)


for _mask, _want in ((0o022, 0o644), (0o002, 0o664), (0o077, 0o600)):

    def _follows_umask(d: Path, mask: int = _mask, want: int = _want) -> Outcome:
        write(d / "a.txt", DAMAGED)
        p = _with_umask(mask, lambda: cli("clean", "a.txt", "-o", "o.txt", "--report", "r.jsonl", cwd=d))
        modes = {n: _mode(d / n) for n in ("o.txt", "r.jsonl") if (d / n).exists()}
        return both(expect(p, 0), Outcome(modes == {"o.txt": want, "r.jsonl": want}, f"modes {[(n, oct(m)) for n, m in modes.items()]}, wanted {oct(want)}"))

    case("file modes", f"new outputs follow umask {_mask:03o}")(_follows_umask)


@case("file modes", "--output-dir files follow the umask")
def _(d: Path) -> Outcome:
    write(d / "a.txt", DAMAGED)
    p = _with_umask(0o022, lambda: cli("clean", "a.txt", "--output-dir", "out", cwd=d))
    m = _mode(d / "out" / "a.txt") if (d / "out" / "a.txt").exists() else None
    return both(expect(p, 0), Outcome(m == 0o644, f"mode {m and oct(m)}"))


@case("file modes", "--in-place keeps a 0664 file's mode")
def _(d: Path) -> Outcome:
    f = write(d / "a.txt", DAMAGED)
    f.chmod(0o664)
    p = _with_umask(0o077, lambda: cli("clean", "a.txt", "--in-place", cwd=d))
    return both(expect(p, 0), Outcome(_mode(f) == 0o664, f"mode {oct(_mode(f))}"), Outcome(f.read_bytes() != DAMAGED.encode(), "not cleaned"))


@case("file modes", "--in-place keeps the owner (as root)")
def _(d: Path) -> Outcome:
    if os.geteuid() != 0:
        return Outcome(True, "skipped: not root")
    f = write(d / "a.txt", DAMAGED)
    os.chown(f, 1234, 1234)
    p = cli("clean", "a.txt", "--in-place", cwd=d)
    st = f.stat()
    return both(expect(p, 0), Outcome((st.st_uid, st.st_gid) == (1234, 1234), f"owner {st.st_uid}:{st.st_gid}"))


# --------------------------------------------------------------------------
# disk and OS errors


def _io(p: subprocess.CompletedProcess[bytes], *needles: str) -> Outcome:
    return expect(p, EXIT_IO, *needles)


@case("os errors", "-o /dev/full: one line naming it, the I/O exit code")
def _(d: Path) -> Outcome:
    write(d / "a.txt", DAMAGED * 200)
    return _io(cli("clean", "a.txt", "-o", "/dev/full", cwd=d), "/dev/full")


@case("os errors", "--report /dev/full")
def _(d: Path) -> Outcome:
    write(d / "a.txt", DAMAGED * 200)
    return both(_io(cli("clean", "a.txt", "-o", "o.txt", "--report", "/dev/full", cwd=d), "/dev/full"), absent(d / "o.txt"))


@case("os errors", "stdout is /dev/full")
def _(d: Path) -> Outcome:
    write(d / "a.txt", DAMAGED * 2000)
    with open("/dev/full", "wb") as full:
        p = subprocess.run([sys.executable, "-m", "cleaner.cli", "clean", "a.txt"], stdout=full, stderr=subprocess.PIPE, cwd=d, env=env(), timeout=180)
    return expect(p, EXIT_IO)  # type: ignore[arg-type]


@case("os errors", "dedup -o /dev/full")
def _(d: Path) -> Outcome:
    write(d / "a.txt", DAMAGED * 200)
    return _io(cli("dedup", "a.txt", "-o", "/dev/full", cwd=d), "/dev/full")


@case("os errors", "missing output folder")
def _(d: Path) -> Outcome:
    write(d / "a.txt", DAMAGED)
    return expect(cli("clean", "a.txt", "-o", "no/such/dir/o.txt", cwd=d), (EXIT_IO, 2), "no/such/dir")


@case("os errors", "-o names a folder")
def _(d: Path) -> Outcome:
    write(d / "a.txt", DAMAGED)
    (d / "folder").mkdir()
    return expect(cli("clean", "a.txt", "-o", "folder", cwd=d), (EXIT_IO, 2), "folder")


@case("os errors", "--output-dir names a file")
def _(d: Path) -> Outcome:
    write(d / "a.txt", DAMAGED)
    write(d / "f", "x")
    return expect(cli("clean", "a.txt", "--output-dir", "f", cwd=d), (EXIT_IO, 2), "f")


@case("os errors", "a damaged --index in the middle")
def _(d: Path) -> Outcome:
    write(d / "a.txt", "\n\n".join(f"第{i}段：这是一个足够长的段落，用来建立索引。" for i in range(300)))
    first = cli("dedup", "a.txt", "-o", "o.txt", "--index", "seen.db", cwd=d)
    if first.returncode != 0:
        return Outcome(False, "first run failed: " + err(first)[-200:])
    db = d / "seen.db"
    data = bytearray(db.read_bytes())
    mid = len(data) // 2
    data[mid : mid + 4096] = os.urandom(min(4096, len(data) - mid))
    db.write_bytes(bytes(data))
    p = cli("dedup", "a.txt", "-o", "o2.txt", "--index", "seen.db", cwd=d)
    return both(expect(p, (1, EXIT_IO), "seen.db"), absent(d / "o2.txt"))


@contextlib.contextmanager
def _mount(d: Path, options: str) -> Iterator[Path | None]:
    point = d / "mnt"
    point.mkdir()
    if os.geteuid() != 0 or subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(point)], capture_output=True).returncode != 0:
        yield None
        return
    try:
        yield point
    finally:
        subprocess.run(["umount", "-l", str(point)], capture_output=True)


def _distinct(n: int) -> str:
    """Text that stays long after cleaning: no paragraph repeats."""
    return "\n\n".join(f"第{i}段：这是一个不重复的段落，编号{i * 7919 % 100003}，用来填满磁盘。" for i in range(n)) + "\n"


@case("os errors", "a full 64 KB disk: the I/O code, no partial or temporary file")
def _(d: Path) -> Outcome:
    write(d / "a.txt", _distinct(3000))
    with _mount(d, "size=64k") as mnt:
        if mnt is None:
            return Outcome(True, "skipped: cannot mount a tmpfs")
        p = cli("clean", "a.txt", "-o", str(mnt / "o.txt"), cwd=d)
        return both(_io(p, "o.txt"), no_temp_files(mnt, set()))


@case("os errors", "a full 64 KB disk under --output-dir")
def _(d: Path) -> Outcome:
    write(d / "a.txt", _distinct(3000))
    with _mount(d, "size=64k") as mnt:
        if mnt is None:
            return Outcome(True, "skipped: cannot mount a tmpfs")
        p = cli("clean", "a.txt", "--output-dir", str(mnt), cwd=d)
        return both(_io(p, "a.txt"), no_temp_files(mnt, set()))


@case("os errors", "a read-only file system")
def _(d: Path) -> Outcome:
    write(d / "a.txt", DAMAGED)
    with _mount(d, "size=1m,ro") as mnt:
        if mnt is None:
            return Outcome(True, "skipped: cannot mount a tmpfs")
        return _io(cli("clean", "a.txt", "-o", str(mnt / "o.txt"), cwd=d), "o.txt")


@case("os errors", "--in-place on a read-only file system")
def _(d: Path) -> Outcome:
    with _mount(d, "size=1m") as mnt:
        if mnt is None:
            return Outcome(True, "skipped: cannot mount a tmpfs")
        write(mnt / "a.txt", DAMAGED)
        subprocess.run(["mount", "-o", "remount,ro", str(mnt)], check=True)
        return both(_io(cli("clean", str(mnt / "a.txt"), "--in-place", cwd=d), "a.txt"), same(mnt / "a.txt", DAMAGED.encode()))


# --------------------------------------------------------------------------
# interruption


def _big_corpus(d: Path, files: int = 30, paragraphs: int = 4000) -> list[str]:
    names = []
    for i in range(files):
        body = "\n\n".join(f"第{i}篇第{k}段：这是一个测试段落,含有ASCII标点(和括号)，以及 多余的 空格。" for k in range(paragraphs))
        write(d / f"big{i}.txt", body)
        names.append(f"big{i}.txt")
    return names


def _empty(folder: Path) -> Outcome:
    """An output folder the failed run created may stay, but empty."""
    inside = sorted(p.name for p in folder.iterdir()) if folder.is_dir() else []
    return Outcome(not inside, f"{len(inside)} files written in {folder.name}/")


def _children(pid: int) -> list[int]:
    out = []
    with contextlib.suppress(OSError):
        for task in os.listdir(f"/proc/{pid}/task"):
            with contextlib.suppress(OSError), open(f"/proc/{pid}/task/{task}/children") as fh:
                out += [int(x) for x in fh.read().split()]
    return out


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().split(")")[-1].split()[0] != "Z"
    except OSError:
        return False


def _interrupt(d: Path, sig: int, *, group: bool, want: int, args: tuple[str, ...] = ()) -> Outcome:
    names = _big_corpus(d)
    proc = start("clean", "-j", "2", *names, "--output-dir", "out", *args, cwd=d, start_new_session=True)
    time.sleep(4)
    if proc.poll() is not None:
        return Outcome(False, f"finished before the signal (exit {proc.returncode}); make the corpus bigger")
    (os.killpg if group else os.kill)(proc.pid, sig)
    _, stderr = proc.communicate(timeout=120)
    p = subprocess.CompletedProcess(proc.args, proc.returncode, b"", stderr)
    return both(expect(p, want), _empty(d / "out"), no_temp_files(d, {*names, "out"}))


case("interruption", "Ctrl-C (SIGINT to the group): 130, no output")(lambda d: _interrupt(d, signal.SIGINT, group=True, want=130))
case("interruption", "SIGTERM to the main process: 143, no output")(lambda d: _interrupt(d, signal.SIGTERM, group=False, want=143))
case("interruption", "SIGTERM to the process group: 143, no output")(lambda d: _interrupt(d, signal.SIGTERM, group=True, want=143))


def _run_with_workers(d: Path) -> tuple[subprocess.Popen[bytes], list[int]]:
    """A long ``clean -j 2`` run and its worker pids (empty if none appeared in 30 s)."""
    proc = start("clean", "-j", "2", *_big_corpus(d), "--output-dir", "out", cwd=d, start_new_session=True)
    deadline = time.time() + 30
    kids: list[int] = []
    while time.time() < deadline and not kids:
        time.sleep(0.5)
        kids = _children(proc.pid)
    return proc, kids


@case("interruption", "a worker killed (-9): exit 1, a clear message, no output")
def _(d: Path) -> Outcome:
    proc, kids = _run_with_workers(d)
    if not kids:
        proc.kill()
        return Outcome(False, "no worker process appeared")
    time.sleep(2)
    os.kill(kids[0], signal.SIGKILL)
    try:
        _, stderr = proc.communicate(timeout=120)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        return Outcome(False, "hung after its worker died")
    p = subprocess.CompletedProcess(proc.args, proc.returncode, b"", stderr)
    return both(expect(p, 1, "worker"), _empty(d / "out"))


@case("interruption", "the main process killed (-9): its workers exit too")
def _(d: Path) -> Outcome:
    proc, kids = _run_with_workers(d)
    os.kill(proc.pid, signal.SIGKILL)
    proc.communicate(timeout=30)
    end = time.time() + 10
    while time.time() < end and any(_alive(k) for k in kids):
        time.sleep(0.2)
    alive = [k for k in kids if _alive(k)]
    for k in alive:
        with contextlib.suppress(OSError):
            os.kill(k, signal.SIGKILL)
    return Outcome(bool(kids) and not alive, f"workers {kids}, still alive after 10 s: {alive}")


@case("interruption", "a closed pipe (| head -1): quiet exit")
def _(d: Path) -> Outcome:
    names = _big_corpus(d, files=3)
    p = subprocess.run(
        f"{sys.executable} -m cleaner.cli clean {' '.join(names)} | head -c 100 > /dev/null; exit ${{PIPESTATUS[0]}}",
        shell=True, executable="/bin/bash", capture_output=True, cwd=d, env=env(), timeout=300,
    )
    return expect(p, (0, 141))


@case("interruption", "Ctrl-C during dedup: 130, no output")
def _(d: Path) -> Outcome:
    names = _big_corpus(d)
    proc = start("dedup", *names, "--output-dir", "out", "--clusters", "c.jsonl", cwd=d, start_new_session=True)
    time.sleep(4)
    if proc.poll() is not None:
        return Outcome(False, f"finished before the signal (exit {proc.returncode})")
    os.killpg(proc.pid, signal.SIGINT)
    _, stderr = proc.communicate(timeout=120)
    p = subprocess.CompletedProcess(proc.args, proc.returncode, b"", stderr)
    out = list((d / "out").iterdir()) if (d / "out").exists() else []
    return both(expect(p, 130), absent(d / "c.jsonl"), Outcome(not out, f"{len(out)} files written"))


# --------------------------------------------------------------------------
# dedup inputs


@case("dedup", "two dropped paragraphs around a line with trailing whitespace")
def _(d: Path) -> Outcome:
    text = "x\nThe first paragraph is long enough \nThe second paragraph is long too\n"
    write(d / "e1.txt", text)
    write(d / "e2.txt", text)
    p = cli("dedup", "e1.txt", "e2.txt", "--output-dir", "o", cwd=d)
    return both(expect(p, 0), same(d / "o" / "e1.txt", text.encode()))


@case("dedup", "two identical JSONL records")
def _(d: Path) -> Outcome:
    write(d / "c.jsonl", jsonl(DAMAGED, DAMAGED))
    p = cli("dedup", "--jsonl", "c.jsonl", "-o", "o.jsonl", cwd=d)
    return expect(p, 0)


@case("dedup", "identical files, CRLF, whitespace-only lines, an empty file")
def _(d: Path) -> Outcome:
    text = ("A paragraph long enough to be deduplicated here.\r\n \r\n\t\r\nAnother paragraph, long enough as well.\r\n") * 3
    names = []
    for i in range(5):
        names.append(write(d / f"f{i}.txt", text).name)
    names.append(write(d / "empty.txt", b"").name)
    p = cli("dedup", *names, "--output-dir", "o", "--report", "r.jsonl", cwd=d)
    return both(expect(p, 0), same(d / "o" / "f0.txt", (d / "o" / "f0.txt").read_bytes() if (d / "o" / "f0.txt").exists() else b"?"))


@case("dedup", "--level document on identical documents")
def _(d: Path) -> Outcome:
    write(d / "c.jsonl", jsonl(DAMAGED, DAMAGED, EN))
    p = cli("dedup", "--level", "document", "--jsonl", "c.jsonl", "-o", "o.jsonl", cwd=d)
    n = len((d / "o.jsonl").read_bytes().splitlines()) if (d / "o.jsonl").exists() else -1
    return both(expect(p, 0), Outcome(n == 2, f"{n} records"))


@case("dedup", "a kept record comes out byte for byte")
def _(d: Path) -> Outcome:
    line = b'{"n": 1e5, "text": "' + EN.strip().encode() + b'"}\n'
    write(d / "c.jsonl", line)
    p = cli("dedup", "--jsonl", "c.jsonl", cwd=d)
    return both(expect(p, 0), Outcome(p.stdout == line, repr(p.stdout[:200])))


# --------------------------------------------------------------------------
# caches


@case("caches", "a misspelling table of random bytes is rebuilt")
def _(d: Path) -> Outcome:
    from cleaner.cache import cache_dir

    cache = d / "cache"
    cache.mkdir()
    for f in cache_dir().glob("typo-model-*.bin"):
        (cache / f.name).write_bytes(f.read_bytes())
    e = env(CLEANER_CACHE_DIR=str(cache))
    first = subprocess.run([sys.executable, "-m", "cleaner.cli", "clean", "-q"], input=ZH.encode(), capture_output=True, env=e, timeout=300)
    tables = list(cache.glob("typo-misspellings-*.txt"))
    if first.returncode != 0 or not tables:
        return Outcome(False, "first run: " + err(first)[-200:])
    tables[0].write_bytes(os.urandom(2048))
    p = subprocess.run([sys.executable, "-m", "cleaner.cli", "clean", "-q"], input=ZH.encode(), capture_output=True, env=e, timeout=300)
    return both(expect(p, 0), Outcome(p.stdout == ZH.encode(), repr(p.stdout[:80])))


# --------------------------------------------------------------------------
# text the cleaner must not harm


for _label, _text in (
    ("Traditional prose naming two countries", ZH_TRAD),
    ("a headline with a space after a number", "开心10倍 小拜膝伤\n"),
    ("a Latin-1 looking run that is not mojibake", "南洋É¬林\n"),
    ("an HTML entity spelling literal text (&lt;3)", "I &lt;3 this, 5 &gt; 3.\n"),
):

    def _harmless(d: Path, text: str = _text) -> Outcome:
        p = cli("clean", cwd=d, stdin=text.encode())
        return both(expect(p, 0), Outcome(p.stdout == text.encode(), f"became {p.stdout.decode('utf-8', 'replace')!r}"))

    case("no harm", _label + " is left alone")(_harmless)


@case("no harm", "a decoded HTML entity is an edit of its own rule")
def _(d: Path) -> Outcome:
    p = cli("clean", "--report", "r.jsonl", cwd=d, stdin="Salt &amp; pepper.\n".encode())
    rules = [json.loads(x)["rule"] for x in (d / "r.jsonl").read_text(encoding="utf-8").splitlines()] if (d / "r.jsonl").exists() else []
    return both(expect(p, 0), Outcome(p.stdout == b"Salt & pepper.\n" and rules == ["html_entities"], f"{p.stdout!r} {rules}"))


@case("no harm", "Chinese zero written as full-width digit 0 between Chinese numerals")
def _(d: Path) -> Outcome:
    p = cli("clean", cwd=d, stdin="二０００年\n".encode())
    return both(expect(p, 0), Outcome("000" not in p.stdout.decode("utf-8", "replace"), p.stdout.decode("utf-8", "replace")))


@case("no harm", "a second clean changes nothing (Traditional inside Simplified)")
def _(d: Path) -> Outcome:
    doc = DAMAGED + "\n五穀豐登，國泰民安。這是繁體字的段落。\n\n" + ZH
    one = cli("clean", cwd=d, stdin=doc.encode())
    two = cli("clean", cwd=d, stdin=one.stdout)
    return both(expect(one, 0), expect(two, 0), Outcome(one.stdout == two.stdout, f"{one.stdout!r:.120} -> {two.stdout!r:.120}"))


# --------------------------------------------------------------------------


def run(cases: list[Case]) -> list[tuple[Case, Outcome, float]]:
    results = []
    for c in cases:
        with tempfile.TemporaryDirectory(prefix="campaign-") as tmp:
            t = time.perf_counter()
            try:
                outcome = c.check(Path(tmp))
            except Exception as exc:  # noqa: BLE001 - a case that raises is a failed case, with its reason
                outcome = Outcome(False, f"{type(exc).__name__}: {exc}")
            results.append((c, outcome, time.perf_counter() - t))
        mark = "ok " if outcome.ok else "FAIL"
        print(f"{mark} [{c.category}] {c.name} ({results[-1][2]:.1f} s)", file=sys.stderr, flush=True)
    return results


def table(results: list[tuple[Case, Outcome, float]]) -> str:
    cats: dict[str, list[bool]] = {}
    for c, o, _ in results:
        cats.setdefault(c.category, []).append(o.ok)
    lines = ["| category | cases | passed |", "|---|---:|---:|"]
    lines += [f"| {k} | {len(v)} | {sum(v)} |" for k, v in cats.items()]
    total = [o.ok for _, o, _ in results]
    lines.append(f"| **all** | **{len(total)}** | **{sum(total)}** |")
    failed = [(c, o) for c, o, _ in results if not o.ok]
    if failed:
        lines += ["", "Failed:"] + [f"- [{c.category}] {c.name}: {o.detail}" for c, o in failed]
    skipped = [c.name for c, o, _ in results if o.ok and o.detail.startswith("skipped")]
    if skipped:
        lines += ["", "Passed by skipping (environment lacks the means): " + "; ".join(skipped)]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--only", metavar="CATEGORY", help="run one category (see --list)")
    ap.add_argument("-k", metavar="TEXT", help="run the cases whose name contains TEXT")
    ap.add_argument("--list", action="store_true", help="list the cases and exit")
    args = ap.parse_args(argv)
    cases = [c for c in CASES if (not args.only or c.category == args.only) and (not args.k or args.k in c.name)]
    if args.list:
        for c in cases:
            print(f"[{c.category}] {c.name}")
        return 0
    results = run(cases)
    print(table(results))
    return 0 if all(o.ok for _, o, _ in results) else 1


if __name__ == "__main__":
    sys.exit(main())
