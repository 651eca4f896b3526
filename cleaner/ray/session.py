"""Ray itself: importing it when needed, joining or starting a cluster, and
setting Ray Data up for this engine."""

from __future__ import annotations

import contextlib
import logging
import signal
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from types import ModuleType
from typing import Any

from ..runner import default_jobs

__all__ = ["DEFAULT_PARTITIONS", "WORKERS_PER_CPU", "Session", "init", "require_ray", "session", "shuffle_partitions"]


#: shuffle partitions; Ray's default (200) is far too many for a few cores
DEFAULT_PARTITIONS = 4


#: idle Ray workers kept per CPU on a local start (Ray's default is 1)
WORKERS_PER_CPU = 3


def require_ray() -> ModuleType:
    """The ``ray`` module, or ImportError saying how to install it."""
    try:
        import ray
        import ray.data  # noqa: F401
    except ImportError:
        raise ImportError("the Ray engine needs the extra: pip install 'cleaner[ray]'") from None
    return ray


@dataclass(frozen=True, slots=True)
class Session:
    """What :func:`init` set up: shuffle ``partitions``, and whether it
    ``started`` Ray (then :func:`session` shuts it down at the end)."""

    partitions: int
    started: bool


def init(
    address: str | None = None,
    *,
    num_cpus: int | None = None,
    partitions: int | None = None,
    object_store_memory: int | None = None,
    quiet: bool = False,
) -> Session:
    """Join the cluster at ``address`` (``"auto"``: the one this machine
    belongs to), or start a local one when Ray is not running yet; set Ray
    Data up for this engine.

    A local start uses ``num_cpus`` (default: all cores), an object store
    of ``object_store_memory`` bytes (default 1 GiB), no dashboard, worker
    logs off the console, and keeps :data:`WORKERS_PER_CPU` idle workers
    per CPU (Ray's private ``_system_config``; see :mod:`cleaner.ray`).  Ray Data: results in input order
    (``preserve_order``), no progress bars, ``partitions`` partitions per
    shuffle (default: the cluster's CPUs, at least
    :data:`DEFAULT_PARTITIONS`; Ray's own default of 200 is for big
    clusters and slow on a few cores).  ``quiet`` also keeps Ray Data's log
    lines off stderr (the command does).
    """
    if partitions is not None and partitions < 1:
        raise ValueError(f"partitions must be at least 1, not {partitions}")
    ray = require_ray()
    started = False
    if not ray.is_initialized():
        kwargs: dict[str, Any] = {"log_to_driver": False, "logging_level": logging.WARNING}
        if address:
            kwargs["address"] = address
        else:
            cpus = num_cpus or default_jobs()
            kwargs.update(
                num_cpus=cpus,
                object_store_memory=object_store_memory or (1 << 30),
                include_dashboard=False,
                _system_config={"num_workers_soft_limit": WORKERS_PER_CPU * cpus},
            )
        # Ray installs SIGTERM handlers of its own (exit 15 while starting; a
        # stack trace and death after): keep the caller's (the command's
        # unwinds, leaves no partial output and exits 143).
        handler = signal.getsignal(signal.SIGTERM) if hasattr(signal, "SIGTERM") else None
        try:
            ray.init(**kwargs)
        except SystemExit as exc:
            if exc.code == getattr(signal, "SIGTERM", None) and callable(handler):
                handler(signal.SIGTERM, None)
            raise
        started = True
        if callable(handler) and threading.current_thread() is threading.main_thread():
            signal.signal(signal.SIGTERM, handler)
    if quiet:
        logging.getLogger("ray.data").setLevel(logging.ERROR)
    from ray.data import DataContext

    ctx = DataContext.get_current()
    ctx.execution_options.preserve_order = True
    ctx.enable_progress_bars = False
    if partitions is None:
        partitions = max(DEFAULT_PARTITIONS, int(ray.cluster_resources().get("CPU", 1)))
    ctx.default_hash_shuffle_parallelism = partitions
    return Session(partitions, started)


@contextlib.contextmanager
def session(address: str | None = None, *, num_cpus: int | None = None, partitions: int | None = None) -> Iterator[Session]:
    """:func:`init` (quiet) for the length of a ``with`` block; shuts Ray down
    at the end when it started it."""
    s = init(address, num_cpus=num_cpus, partitions=partitions, quiet=True)
    try:
        yield s
    finally:
        if s.started:
            require_ray().shutdown()


def shuffle_partitions(partitions: int | None) -> int:
    if partitions is not None:
        if partitions < 1:
            raise ValueError(f"partitions must be at least 1, not {partitions}")
        return partitions
    from ray.data import DataContext

    return int(DataContext.get_current().default_hash_shuffle_parallelism)
