"""What the command does to the paths it writes, through a real subprocess:
outputs that collide, links, modes, all-or-nothing runs, system errors."""

from __future__ import annotations

import json
import os
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.commands.test_clean import DIRTY, run

CLEAN = "干净的文本。\n"
RECORD = '{"id": 1, "text": "今天,天气很好。"}\n'
IS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0


def _files(folder: Path) -> list[str]:
    """Every name under ``folder``, temporary files included."""
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*"))


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    (tmp_path / "a.txt").write_text(DIRTY, encoding="utf-8")
    (tmp_path / "in.jsonl").write_text(RECORD, encoding="utf-8")
    return tmp_path


# -- 12: every output is a file of its own ------------------------------------


@pytest.mark.parametrize(
    "args, first, second",
    [
        (["clean", "--jsonl", "in.jsonl", "-o", "X", "--report", "X"], "-o X", "--report X"),
        (["clean", "--jsonl", "in.jsonl", "-o", "X", "--on-error", "quarantine", "X"], "-o X", "--quarantine X"),
        (["clean", "a.txt", "-o", "X", "--report", "./X"], "-o X", "--report ./X"),
        (["clean", "a.txt", "--output-dir", "out", "--report", "out/a.txt"], "--report out/a.txt", "--output-dir out/a.txt"),
        (["dedup", "--jsonl", "in.jsonl", "-o", "X", "--clusters", "X"], "-o X", "--clusters X"),
        (["dedup", "--jsonl", "in.jsonl", "-o", "Z.db", "--index", "Z.db"], "-o Z.db", "--index Z.db"),
        (["dedup", "--jsonl", "in.jsonl", "--report", "R", "--clusters", "link-to-R"], "--report R", "--clusters link-to-R"),
    ],
)
def test_two_outputs_on_one_path_exit_2_naming_both(corpus, args, first, second):
    os.symlink("R", corpus / "link-to-R")
    before = _files(corpus)
    p = run(*args, cwd=corpus)
    err = p.stderr.decode()
    assert p.returncode == 2, err
    assert first in err and second in err and "same file" in err
    assert _files(corpus) == before  # nothing written


def test_an_output_linked_to_an_input_exits_2(corpus):
    os.symlink("a.txt", corpus / "link.txt")
    p = run("clean", "a.txt", "-o", "link.txt", cwd=corpus)
    assert p.returncode == 2 and "link.txt" in p.stderr.decode() and "a.txt" in p.stderr.decode()
    assert (corpus / "a.txt").read_text(encoding="utf-8") == DIRTY


def test_an_output_on_the_lexicon_exits_2(corpus):
    (corpus / "terms.txt").write_text("天气\n", encoding="utf-8")
    p = run("clean", "a.txt", "--lexicon", "terms.txt", "--report", "terms.txt", cwd=corpus)
    assert p.returncode == 2 and "the input terms.txt" in p.stderr.decode()
    assert (corpus / "terms.txt").read_text(encoding="utf-8") == "天气\n"


def test_in_place_one_file_named_twice_exits_2(corpus):
    os.symlink("a.txt", corpus / "link.txt")
    p = run("clean", "--in-place", "a.txt", "link.txt", cwd=corpus)
    assert p.returncode == 2 and "a.txt and link.txt are the same file" in p.stderr.decode()


# -- 13: never write through a link --------------------------------------------


def test_output_that_is_a_link_is_replaced_not_written_through(corpus):
    (corpus / "other.txt").write_text(CLEAN, encoding="utf-8")
    os.symlink("other.txt", corpus / "out.txt")
    p = run("clean", "-q", "a.txt", "-o", "out.txt", cwd=corpus)
    assert p.returncode == 0, p.stderr
    assert (corpus / "other.txt").read_text(encoding="utf-8") == CLEAN
    assert not (corpus / "out.txt").is_symlink()
    assert "切实" in (corpus / "out.txt").read_text(encoding="utf-8")


def test_dangling_link_is_replaced_and_its_target_not_created(corpus):
    os.symlink("nowhere/target.txt", corpus / "out.txt")
    (corpus / "nowhere").mkdir()
    p = run("clean", "-q", "a.txt", "-o", "out.txt", cwd=corpus)
    assert p.returncode == 0, p.stderr
    assert not (corpus / "nowhere" / "target.txt").exists()
    assert not (corpus / "out.txt").is_symlink() and (corpus / "out.txt").is_file()


def test_dedup_output_dir_links(corpus):
    """A link in the output folder to an input is refused; a link to any
    other file is replaced, and that file is left alone."""
    text = "x\nThe first paragraph is long enough\n\nThe second paragraph is long too\n"
    (corpus / "e1.txt").write_text(text, encoding="utf-8")
    (corpus / "e2.txt").write_text(text, encoding="utf-8")
    (corpus / "keep.txt").write_text(CLEAN, encoding="utf-8")
    out = corpus / "out"
    out.mkdir()
    os.symlink("../e1.txt", out / "e1.txt")
    p = run("dedup", "-q", "e1.txt", "e2.txt", "--output-dir", "out", cwd=corpus)
    assert p.returncode == 2 and "out/e1.txt" in p.stderr.decode() and "the input e1.txt" in p.stderr.decode()
    assert (corpus / "e1.txt").read_text(encoding="utf-8") == text
    os.unlink(out / "e1.txt")
    os.symlink("../keep.txt", out / "e2.txt")
    p = run("dedup", "-q", "e1.txt", "e2.txt", "--output-dir", "out", cwd=corpus)
    assert p.returncode == 0, p.stderr
    assert (corpus / "keep.txt").read_text(encoding="utf-8") == CLEAN
    assert not (out / "e2.txt").is_symlink()
    assert (corpus / "e1.txt").read_text(encoding="utf-8") == text == (corpus / "e2.txt").read_text(encoding="utf-8")


def test_in_place_through_a_link_cleans_the_file_it_names(corpus):
    os.symlink("a.txt", corpus / "link.txt")
    p = run("clean", "-q", "--in-place", "link.txt", cwd=corpus)
    assert p.returncode == 0, p.stderr
    assert (corpus / "link.txt").is_symlink()
    assert "切实" in (corpus / "a.txt").read_text(encoding="utf-8")


# -- 14: --jsonl with --in-place and --output-dir ------------------------------


def test_jsonl_in_place_and_output_dir(corpus):
    (corpus / "b.jsonl").write_text('{"text": "好。"}\n\n', encoding="utf-8")
    (corpus / "empty.jsonl").write_bytes(b"")
    p = run("clean", "-q", "--jsonl", "in.jsonl", "b.jsonl", "empty.jsonl", "--output-dir", "out", cwd=corpus)
    assert p.returncode == 0, p.stderr
    assert p.stdout == b""
    assert json.loads((corpus / "out" / "in.jsonl").read_text(encoding="utf-8"))["text"] == "今天，天气很好。"
    assert (corpus / "out" / "b.jsonl").read_text(encoding="utf-8") == '{"text": "好。"}\n'
    assert (corpus / "out" / "empty.jsonl").read_bytes() == b""
    p = run("clean", "-q", "--jsonl", "--in-place", "in.jsonl", cwd=corpus)
    assert p.returncode == 0, p.stderr
    assert p.stdout == b""
    assert json.loads((corpus / "in.jsonl").read_text(encoding="utf-8")) == {"id": 1, "text": "今天，天气很好。"}


def test_jsonl_in_place_refuses_to_skip_bad_records(corpus):
    p = run("clean", "--jsonl", "--in-place", "--on-error", "skip", "in.jsonl", cwd=corpus)
    assert p.returncode == 2 and "quarantine" in p.stderr.decode()
    assert (corpus / "in.jsonl").read_text(encoding="utf-8") == RECORD


# -- 15: modes and owners --------------------------------------------------------


def _run_with_umask(mask: int, *args: str, cwd: Path) -> subprocess.CompletedProcess[bytes]:
    env = dict(os.environ, PYTHONIOENCODING="utf-8")
    return subprocess.run([sys.executable, "-m", "cleaner.cli", *args], capture_output=True, cwd=cwd, env=env, timeout=120, umask=mask)


@pytest.mark.parametrize("mask", [0o002, 0o022])
def test_new_outputs_follow_the_umask(corpus, mask):
    p = _run_with_umask(mask, "clean", "-q", "a.txt", "-o", "out.txt", "--report", "r.jsonl", cwd=corpus)
    assert p.returncode == 0, p.stderr
    p = _run_with_umask(mask, "dedup", "-q", "a.txt", "--output-dir", "d", cwd=corpus)
    assert p.returncode == 0, p.stderr
    for name in ("out.txt", "r.jsonl", "d/a.txt"):
        assert stat.S_IMODE((corpus / name).stat().st_mode) == 0o666 & ~mask, name


def test_in_place_keeps_mode_and_owner(corpus):
    src = corpus / "a.txt"
    src.chmod(0o664)
    owner = (1234, 1234) if IS_ROOT else (os.getuid(), os.getgid())
    if IS_ROOT:
        os.chown(src, *owner)
    p = _run_with_umask(0o077, "clean", "-q", "--in-place", "a.txt", cwd=corpus)
    assert p.returncode == 0, p.stderr
    st = src.stat()
    assert stat.S_IMODE(st.st_mode) == 0o664
    assert (st.st_uid, st.st_gid) == owner
    assert "切实" in src.read_text(encoding="utf-8")


# -- 16: one bad input, no output ----------------------------------------------


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_one_bad_input_leaves_no_output(corpus, jobs):
    (corpus / "b.txt").write_text(CLEAN, encoding="utf-8")
    (corpus / "z.bin").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    p = run("clean", "-q", "-j", jobs, "a.txt", "b.txt", "z.bin", "--output-dir", "out", "--report", "r.jsonl", cwd=corpus)
    assert p.returncode == 1 and "z.bin" in p.stderr.decode()
    assert not (corpus / "r.jsonl").exists()
    assert _files(corpus / "out") == []
    p = run("clean", "-q", "-j", jobs, "--in-place", "a.txt", "b.txt", "z.bin", cwd=corpus)
    assert p.returncode == 1
    assert (corpus / "a.txt").read_text(encoding="utf-8") == DIRTY
    (corpus / "bad.jsonl").write_bytes(b'{"text": "ok"}\n{"text": broken\n')
    p = run("clean", "-q", "--jsonl", "in.jsonl", "bad.jsonl", "--output-dir", "jout", cwd=corpus)
    assert p.returncode == 1
    assert _files(corpus / "jout") == []
    text = "x\nThe first paragraph is long enough\n"
    (corpus / "e1.txt").write_text(text, encoding="utf-8")
    p = run("dedup", "-q", "e1.txt", "z.bin", "--output-dir", "dout", cwd=corpus)
    assert p.returncode == 1
    assert not (corpus / "dout").exists() or _files(corpus / "dout") == []


def _interrupt_at_fifo(cwd: Path, fifo: Path, *args: str) -> tuple[int, bytes, bytes]:
    """Run the command with ``fifo`` among its inputs and press Ctrl-C once
    it has opened the FIFO (every input before it is done)."""
    os.mkfifo(fifo)
    env = dict(os.environ, PYTHONIOENCODING="utf-8")
    proc = subprocess.Popen([sys.executable, "-m", "cleaner.cli", *args], cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    fd = -1
    try:
        while fd < 0 and proc.poll() is None:
            try:  # succeeds once the command has the FIFO open for reading
                fd = os.open(fifo, os.O_WRONLY | os.O_NONBLOCK)
            except OSError:
                time.sleep(0.05)
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=60)
    finally:
        if fd >= 0:
            os.close(fd)
        if proc.poll() is None:
            proc.kill()
    return proc.returncode, out, err


def test_interrupt_leaves_no_output_and_says_so_truly(corpus):
    """Ctrl-C while the third input (a FIFO) is being read: the first two
    were cleaned, none is written, and the message says so."""
    (corpus / "b.txt").write_text(CLEAN, encoding="utf-8")
    code, _, err = _interrupt_at_fifo(corpus, corpus / "c.txt", "clean", "-q", "-j", "1", "a.txt", "b.txt", "c.txt", "--output-dir", "out")
    assert code == 130, err
    assert _files(corpus / "out") == []
    assert "no partial output was left" in err.decode()


def test_interrupt_after_streaming_to_stdout_says_what_was_written(corpus):
    """--on-error skip streams records to stdout: interrupted after the
    first file, the message must not claim that nothing was written."""
    code, out, err = _interrupt_at_fifo(
        corpus, corpus / "more.jsonl", "clean", "-q", "-j", "1", "--jsonl", "--on-error", "skip", "in.jsonl", "more.jsonl"
    )
    assert code == 130, err
    assert "今天，天气很好。" in out.decode()
    assert "no partial output" not in err.decode() and "<stdout>" in err.decode()


# -- 19: system errors: one line, the path, exit 74 ----------------------------


def _one_line_io_error(p: subprocess.CompletedProcess[bytes], path: str) -> str:
    err = p.stderr.decode()
    assert p.returncode == 74, err
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1, err
    assert path in err, err
    return err


def test_disk_full_exits_74_naming_the_path(corpus):
    if not os.path.exists("/dev/full"):
        pytest.skip("no /dev/full")
    err = _one_line_io_error(run("clean", "-q", "a.txt", "-o", "/dev/full", cwd=corpus), "/dev/full")
    assert "No space left" in err
    err = _one_line_io_error(run("clean", "-q", "a.txt", "--report", "/dev/full", cwd=corpus), "/dev/full")
    with open("/dev/full", "wb") as full:
        p = subprocess.run(
            [sys.executable, "-m", "cleaner.cli", "clean", "-q", "a.txt"], cwd=corpus, stdout=full, stderr=subprocess.PIPE, timeout=120
        )
    _one_line_io_error(p, "<stdout>")


def test_disk_full_exits_74_when_workers_wrote_the_rows(corpus):
    """At --jobs 2 the rows come from the workers as bytes: a full disk is
    still one line naming the path, for -o, --report and stdout."""
    if not os.path.exists("/dev/full"):
        pytest.skip("no /dev/full")
    (corpus / "big.jsonl").write_text(RECORD * 2000, encoding="utf-8")  # several batches: workers start
    base = ("clean", "-q", "--jsonl", "-j", "2", "--only", "width", "big.jsonl")
    _one_line_io_error(run(*base, "-o", "/dev/full", cwd=corpus), "/dev/full")
    _one_line_io_error(run(*base, "-o", "out.jsonl", "--report", "/dev/full", cwd=corpus), "/dev/full")
    for mode in ("stop", "skip"):  # spooled, streamed
        with open("/dev/full", "wb") as full:
            p = subprocess.run(
                [sys.executable, "-m", "cleaner.cli", *base, "--on-error", mode], cwd=corpus, stdout=full, stderr=subprocess.PIPE, timeout=120
            )
        _one_line_io_error(p, "<stdout>")


def test_missing_folder_and_folder_as_output_exit_74(corpus):
    _one_line_io_error(run("clean", "-q", "a.txt", "-o", "nodir/out.txt", cwd=corpus), "nodir/out.txt")
    (corpus / "d").mkdir()
    _one_line_io_error(run("clean", "-q", "a.txt", "-o", "d", cwd=corpus), "d")
    _one_line_io_error(run("dedup", "-q", "--jsonl", "in.jsonl", "-o", "nodir/x.jsonl", cwd=corpus), "nodir/x.jsonl")
    _one_line_io_error(run("dedup", "-q", "--jsonl", "in.jsonl", "--index", "nodir/seen.db", cwd=corpus), "nodir/seen.db")
    (corpus / "f").write_text("", encoding="utf-8")
    _one_line_io_error(run("clean", "-q", "a.txt", "--output-dir", "f/sub", cwd=corpus), "f/sub")


@pytest.mark.skipif(not os.path.isdir("/sys/kernel"), reason="no sysfs")
def test_folder_nobody_may_write_exits_74(corpus):
    """sysfs refuses new files even to root: the command says so in one line."""
    _one_line_io_error(run("clean", "-q", "a.txt", "-o", "/sys/kernel/cleaner-out.txt", cwd=corpus), "/sys/kernel/cleaner-out.txt")
    _one_line_io_error(run("dedup", "-q", "a.txt", "--report", "/sys/kernel/cleaner-r.jsonl", cwd=corpus), "/sys/kernel/cleaner-r.jsonl")


def test_in_place_refuses_a_fifo(corpus):
    os.mkfifo(corpus / "pipe")
    p = run("clean", "--in-place", "pipe", cwd=corpus)
    assert p.returncode == 2 and "pipe is not one" in p.stderr.decode()


@pytest.mark.skipif(IS_ROOT, reason="root writes into a read-only folder")
def test_read_only_folder_exits_74(corpus):
    ro = corpus / "ro"
    ro.mkdir()
    ro.chmod(0o555)
    try:
        _one_line_io_error(run("clean", "-q", "a.txt", "-o", "ro/out.txt", cwd=corpus), "ro/out.txt")
        _one_line_io_error(run("clean", "-q", "a.txt", "--output-dir", "ro", cwd=corpus), "ro/a.txt")
    finally:
        ro.chmod(0o755)


@pytest.mark.parametrize("command", ["clean", "dedup"])
def test_help_documents_the_exit_codes(command):
    out = run(command, "--help").stdout.decode()
    assert "exit codes:" in out and "74" in out


def test_index_damaged_in_the_middle_exits_74(corpus):
    records = "".join(json.dumps({"text": f"第{i}段的内容用来测试索引的中间损坏，编号{i * 7919}。"}, ensure_ascii=False) + "\n" for i in range(400))
    (corpus / "day.jsonl").write_text(records, encoding="utf-8")
    p = run("dedup", "-q", "--jsonl", "day.jsonl", "-o", "one.jsonl", "--index", "seen.db", cwd=corpus)
    assert p.returncode == 0, p.stderr
    size = (corpus / "seen.db").stat().st_size
    with open(corpus / "seen.db", "r+b") as db:
        db.seek(size // 2)
        db.write(b"\xa5" * (size // 4))
    p = run("dedup", "-q", "--jsonl", "day.jsonl", "-o", "two.jsonl", "--index", "seen.db", cwd=corpus)
    _one_line_io_error(p, "seen.db")
    assert not (corpus / "two.jsonl").exists()
