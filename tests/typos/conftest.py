"""Helpers for the typo-repair tests: a small, explicit look-alike table.

Unit tests of the rules' logic inject this table so that they do not depend
on the shipped table's exact contents; integration tests use the real one
(:mod:`cleaner.confusion`) on pairs that any visual table must hold.
"""

from __future__ import annotations

PAIRS = {
    "赴": "越",
    "拴": "撞",
    "土": "士",
    "士": "土",
    "未": "末",
    "末": "未",
    "己": "已",
    "已": "己",
    "闯": "想",
    "锋": "峰",
    "峰": "锋",
    "运": "远",
    "远": "运",
    "枝": "技",
    "技": "枝",
    "疼": "痛",
    "名": "茗",
    "伟": "体",
}


def small_table(char: str) -> tuple[tuple[str, float], ...]:
    """Neighbours from :data:`PAIRS`, each with similarity 0.95."""
    n = PAIRS.get(char)
    return ((n, 0.95),) if n else ()
