"""Worker processes and signals, through the real command: a worker that
dies ends the run with one line and exit 1, workers die with their parent,
and SIGTERM to the whole process group exits 143 (issue 11, items 9 and 10).

Each test starts ``cleaner clean --jsonl --jobs 2`` on an input big enough
to keep it busy, waits until its two workers are working, then strikes."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.test_reliability import CMD, ENV, _big_input

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc, uses Linux signals")


def _state_and_parent(pid: int) -> tuple[str, int] | None:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = stat[stat.rindex(")") + 2 :].split()
    return fields[0], int(fields[1])


def _alive(pid: int) -> bool:
    s = _state_and_parent(pid)
    return s is not None and s[0] not in ("Z", "X")


def _cmdline(pid: int) -> bytes:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return b""


def _workers(parent: int) -> list[int]:
    """The children of ``parent`` that run its program (forked workers, not
    multiprocessing's resource tracker)."""
    cmdline = _cmdline(parent)
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit() and cmdline:
            s = _state_and_parent(int(entry))
            if s is not None and s[1] == parent and s[0] not in ("Z", "X") and _cmdline(int(entry)) == cmdline:
                found.append(int(entry))
    return sorted(found)


def _start(tmp_path: Path, **popen: object) -> tuple[subprocess.Popen[bytes], list[int]]:
    """The command at work on a big input with two workers; its workers."""
    src = tmp_path / "in.jsonl"
    _big_input(src, 16)
    proc = subprocess.Popen(
        [*CMD, "clean", "--jsonl", "--jobs", "2", str(src), "-o", str(tmp_path / "out.jsonl")],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=ENV, **popen,  # type: ignore[call-overload]
    )
    deadline = time.monotonic() + 90
    workers: list[int] = []
    while time.monotonic() < deadline and proc.poll() is None and len(workers) < 2:
        time.sleep(0.1)
        workers = _workers(proc.pid)
    time.sleep(1.0)  # let them take their first batches
    if proc.poll() is not None or len(workers) < 2:
        proc.kill()
        _, err = proc.communicate(timeout=30)
        pytest.fail(f"the command did not get to work with two workers: {err.decode(errors='replace')}")
    return proc, workers


@pytest.fixture
def reaper() -> Iterator[list[int]]:
    """Worker pids to SIGKILL after the test, whatever happened (no strays);
    a pid is killed only while it still runs the command."""
    pids: list[int] = []
    yield pids
    for pid in pids:
        if _alive(pid) and b"cleaner.cli" in _cmdline(pid):
            os.kill(pid, signal.SIGKILL)


def _outputs(tmp_path: Path) -> list[str]:
    return sorted(p.name for p in tmp_path.iterdir() if p.name != "in.jsonl")


def test_a_killed_worker_ends_the_run_with_one_line_and_no_output(tmp_path, reaper):
    proc, workers = _start(tmp_path)
    reaper += workers
    os.kill(workers[0], signal.SIGKILL)
    try:
        _, err = proc.communicate(timeout=60)
    finally:
        proc.kill()
    message = err.decode(errors="replace")
    assert proc.returncode == 1, message
    assert message.startswith("cleaner: error: a worker process") and "died" in message, message
    assert "SIGKILL" in message and "Traceback" not in message and message.count("\n") == 1, message
    assert _outputs(tmp_path) == []


def test_workers_die_with_a_killed_parent(tmp_path, reaper):
    proc, workers = _start(tmp_path)
    reaper += workers
    proc.kill()
    proc.wait(timeout=30)
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline and any(_alive(w) for w in workers):
        time.sleep(0.1)
    assert not [w for w in workers if _alive(w)], "workers outlived their parent"


def test_sigterm_to_the_process_group_exits_143(tmp_path, reaper):
    proc, workers = _start(tmp_path, start_new_session=True)
    reaper += workers
    os.killpg(proc.pid, signal.SIGTERM)
    try:
        _, err = proc.communicate(timeout=60)
    finally:
        proc.kill()
    assert proc.returncode == 143, err.decode(errors="replace")
    assert "terminated" in err.decode(errors="replace")
    assert _outputs(tmp_path) == []


def test_a_closed_stdout_ends_the_run_quietly_with_141(tmp_path):
    """SIGPIPE is no longer fatal (a dead worker's pipe would kill the
    command with it), so a reader that goes away (`| head`) is handled:
    the status a SIGPIPE death gives in a shell, and no traceback."""
    src = tmp_path / "in.jsonl"
    _big_input(src, 2)
    proc = subprocess.Popen(
        [*CMD, "clean", "--jsonl", "--on-error", "skip", "--jobs", "1", str(src)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=ENV,
    )
    try:
        assert proc.stdout is not None and proc.stdout.read(10)
        proc.stdout.close()
        _, err = proc.communicate(timeout=120)
    finally:
        proc.kill()
    assert proc.returncode == 141 and b"Traceback" not in err, err.decode(errors="replace")
