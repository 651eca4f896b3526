"""The configuration file of ``cleaner clean`` and ``cleaner dedup`` (``--config FILE``).

A TOML file whose keys are the commands' long flags without ``--``; a key
at the top applies to every command that has that option, a key in a table
``[clean]`` or ``[dedup]`` to that command only, and a flag given on the
command line wins over both::

    dedup-threshold = 85          # both commands
    [clean]
    disable = ["paragraphs"]      # or "paragraphs,dedup", as on the command line
    [dedup]
    keep = "longest"

An unknown table or key, or a value of the wrong type or outside what the
option allows, is a :class:`UsageError` (exit 2) naming the file, the key
and what is allowed.  :func:`render` writes the effective options back as a
file that :func:`load` reads to the same options (``cleaner config --show``).
Paths in the file are read relative to the current folder, as on the
command line.

>>> import argparse
>>> p = argparse.ArgumentParser(prog="cleaner")
>>> sub = p.add_subparsers(dest="command")
>>> c = sub.add_parser("clean")
>>> _ = c.add_argument("--keep", dest="dedup_keep", choices=["first", "longest"], default="first")
>>> _ = c.add_argument("--jobs", type=int, default=0)
>>> values_of("c.toml", {"keep": "longest", "clean": {"jobs": 2}}, {"clean": c})
{'clean': {'dedup_keep': 'longest', 'jobs': 2}}
>>> values_of("c.toml", {"clean": {"keep": "最长"}}, {"clean": c})
Traceback (most recent call last):
...
cleaner.errors.UsageError: c.toml: [clean] keep: must be one of first, longest, not '最长'
"""

from __future__ import annotations

import argparse
import json
import math
import os
import textwrap
from collections.abc import Mapping, Sequence
from typing import Any

from ..config import OPTIONS, make_config
from ..errors import UsageError

__all__ = ["COMMANDS", "add_config_option", "apply_config", "keys_of", "load", "render", "values_of"]

#: the commands a configuration file configures, in the order it shows them
COMMANDS = ("clean", "dedup", "review")

#: a flag given on the command line also discards these keys of the file
#: (the file's ``disable`` would clash with the command line's ``--only``)
_DISPLACES = {"only": ("disable", "enable"), "disable": ("only",), "enable": ("only",), "on_error": ("quarantine",)}

_UNSET = object()


def add_config_option(p: argparse.ArgumentParser) -> None:
    """``--config FILE`` (``cleaner clean`` and ``cleaner dedup``)."""
    p.add_argument(
        "--config",
        metavar="FILE",
        help="read options from this TOML file (`cleaner config --show` prints every one with its default); flags given here win",
    )


def keys_of(parser: argparse.ArgumentParser) -> dict[str, argparse.Action]:
    """The options of a command that a file may set, by key: each long flag
    without ``--`` (the first one), except ``--help``, ``--config`` and
    hidden aliases."""
    out = {}
    for a in parser._actions:
        longs = [s for s in a.option_strings if s.startswith("--")]
        if not longs or a.help == argparse.SUPPRESS or a.dest in ("help", "config"):
            continue
        out[longs[0][2:]] = a
    return out


def _kind(a: argparse.Action) -> str:
    if isinstance(a, (argparse._StoreTrueAction, argparse._StoreFalseAction)):
        return "bool"
    if a.dest in OPTIONS and OPTIONS[a.dest].kind == "list":
        return "list"
    if a.type is int:
        return "int"
    if a.type is float:
        return "float"
    return "str"


def _convert(a: argparse.Action, value: Any) -> Any:
    """The value as the parser would have stored it; ValueError saying what is allowed."""
    kind = _kind(a)
    if kind == "bool":
        if not isinstance(value, bool):
            raise ValueError(f"must be true or false, not {value!r}")
        return value
    if kind == "list":
        if isinstance(value, str):
            value = value.split(",")
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ValueError(f"must be a list of rule names such as [\"width\", \"script\"], not {value!r}")
        return ",".join(v.strip() for v in value)
    if kind == "int" and (isinstance(value, bool) or not isinstance(value, int)):
        raise ValueError(f"must be a whole number, not {value!r}")
    if kind == "float":
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ValueError(f"must be a number, not {value!r}")
        value = float(value)
    if kind == "str" and not isinstance(value, str):
        raise ValueError(f"must be a string, not {value!r}")
    if a.choices is not None and value not in a.choices:
        raise ValueError(f"must be one of {', '.join(map(str, a.choices))}, not {value!r}")
    return value


def _check(dest: str, value: Any) -> None:
    """What the command would refuse later: a bad rule option (as ``Config``
    checks it), a negative number of jobs."""
    if dest == "jobs" and value < 0:
        raise ValueError(f"must be 0 (all cores) or more, not {value}")
    if dest in OPTIONS and OPTIONS[dest].kind == "lines":
        if not os.path.isfile(value):
            raise ValueError(f"no such file: {value} (a path relative to the current folder, or absolute)")
    elif dest in OPTIONS:
        make_config(**{dest: value})


def _section(path: str, name: str, table: Mapping[str, Any], parser: argparse.ArgumentParser) -> dict[str, Any]:
    """The options one table of the file sets (``name`` empty: the keys at the top), checked."""
    keys = keys_of(parser)
    out: dict[str, Any] = {}
    where = f"[{name}] " if name else ""
    for key, value in table.items():
        if key not in keys:
            raise UsageError(f"{path}: {where}unknown key {key!r}; valid keys: {', '.join(keys)}")
        a = keys[key]
        try:
            out[a.dest] = _convert(a, value)
            _check(a.dest, out[a.dest])
        except ValueError as exc:
            raise UsageError(f"{path}: {where}{key}: {exc}") from None
    for group in _exclusive_groups(parser):
        both = [k for k, a in keys.items() if a in group and a.dest in out and out[a.dest] not in (None, False)]
        if len(both) > 1:
            raise UsageError(f"{path}: {where}{' and '.join(both)} exclude each other: set one")
    return out


def _exclusive_groups(parser: argparse.ArgumentParser) -> list[list[argparse.Action]]:
    """The flags of each mutually exclusive group (``-o``, ``--output-dir``, ``--in-place``)."""
    return [g._group_actions for g in parser._mutually_exclusive_groups]


#: keys at the top of a file that a command does not take (only from its own
#: table): review's ``output`` is its HTML page and its ``report``/``clusters``
#: are files it reads, where clean's and dedup's are files they write, so a
#: shared key would make review overwrite clean's output with a page
_NOT_SHARED: dict[str, frozenset[str]] = {"review": frozenset({"output", "report", "clusters"})}


def values_of(path: str, data: Mapping[str, Any], parsers: Mapping[str, argparse.ArgumentParser]) -> dict[str, dict[str, Any]]:
    """The options a parsed file sets, per command, by ``dest``: the keys at
    the top for every command that has them, then the command's table."""
    keys = {name: keys_of(p) for name, p in parsers.items()}
    top = {k: v for k, v in data.items() if not isinstance(v, dict)}
    for k, v in data.items():
        if isinstance(v, dict) and k not in parsers:
            raise UsageError(f"{path}: unknown table [{k}]; tables: {', '.join(f'[{n}]' for n in parsers)}")
    every = sorted({k for ks in keys.values() for k in ks})
    for k in top:
        if not any(k in ks for ks in keys.values()):
            raise UsageError(f"{path}: unknown key {k!r}; valid keys: {', '.join(every)}")
    out = {}
    for name in parsers:
        mine = {k: v for k, v in top.items() if k in keys[name] and k not in _NOT_SHARED.get(name, ())}
        shared = _section(path, "", mine, parsers[name])
        own = _section(path, name, data.get(name, {}), parsers[name])
        if shared or own:
            out[name] = {**shared, **own}
    return out


def load(path: str, parsers: Mapping[str, argparse.ArgumentParser]) -> dict[str, dict[str, Any]]:
    """The options the TOML file ``path`` sets, per command (:func:`values_of`)."""
    import tomllib  # only with --config: a run without one does not load it

    try:
        with open(path, "rb") as fh:
            data = tomllib.load(fh)
    except OSError as exc:
        raise UsageError(f"--config {path}: cannot read it: {exc.strerror}") from None
    except tomllib.TOMLDecodeError as exc:
        raise UsageError(f"{path}: not valid TOML: {exc}") from None
    except UnicodeDecodeError as exc:
        raise UsageError(f"{path}: not UTF-8 (byte {exc.start}); a TOML file is UTF-8") from None
    return values_of(path, data, parsers)


def _subparsers(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    for a in parser._actions:
        if isinstance(a, argparse._SubParsersAction):
            return dict(a.choices)
    return {}


def _given(sub: argparse.ArgumentParser, argv: Sequence[str]) -> set[str]:
    """The options (by ``dest``) that ``argv`` gives on the command line."""
    saved = [(a, a.default) for a in sub._actions if a.option_strings]
    try:
        for a, _ in saved:
            a.default = _UNSET
        ns, _ = sub.parse_known_args(list(argv))
    finally:
        for a, default in saved:
            a.default = default
    return {k for k, v in vars(ns).items() if v is not _UNSET}


def apply_config(parser: argparse.ArgumentParser, argv: Sequence[str], args: argparse.Namespace) -> argparse.Namespace:
    """``args`` again, with the options of ``--config FILE`` where the
    command line did not give them (nor an option that displaces them: see
    ``_DISPLACES`` and the mutually exclusive flags)."""
    path = getattr(args, "config", None)
    if not path:
        return args
    subs = _subparsers(parser)
    sub = subs[args.command]
    values = load(path, {n: subs[n] for n in COMMANDS if n in subs}).get(args.command, {})
    rest = list(argv)[list(argv).index(args.command) + 1 :]
    given = _given(sub, rest)
    for group in _exclusive_groups(sub):
        if any(a.dest in given for a in group):
            given |= {a.dest for a in group}
    for dest in list(given):
        given.update(_DISPLACES.get(dest, ()))
    sub.set_defaults(**{d: v for d, v in values.items() if d not in given})
    args = parser.parse_args(list(argv))
    args.from_config = frozenset(d for d in values if d not in given)  # what the file set (review ignores its rule options)
    return args


# -- writing a file back ------------------------------------------------------


def toml_value(value: Any) -> str:
    """A value as TOML: a boolean, number, string or list of them.

    >>> toml_value(True), toml_value(90.0), toml_value("新闻\\n"), toml_value(("width", "script"))
    ('true', '90.0', '"新闻\\\\n"', '["width", "script"]')
    """
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return repr(value) if math.isfinite(value) else ("nan" if math.isnan(value) else ("inf" if value > 0 else "-inf"))
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    return json.dumps(str(value), ensure_ascii=False)


def _effective(a: argparse.Action, value: Any) -> Any:
    """What the command runs with: a rule option not given is Config's default."""
    if a.dest in OPTIONS:
        opt = OPTIONS[a.dest]
        if value is None:
            value = opt.default
        if opt.kind == "list" and isinstance(value, str):
            value = tuple(v.strip() for v in value.split(",") if v.strip())
        if opt.kind == "lines" and value == ():
            value = None
    return value


def _help(a: argparse.Action) -> str:
    """The option's help as ``--help`` prints it (``%(default)s`` filled in)."""
    try:
        return (a.help or "") % {"default": a.default, "dest": a.dest, "metavar": a.metavar}
    except (KeyError, TypeError, ValueError):
        return a.help or ""


def render(parsers: Mapping[str, argparse.ArgumentParser], namespaces: Mapping[str, argparse.Namespace], *, header: str = "") -> str:
    """Every option of each command as TOML, with its help as a comment; an
    option that is not set (its default is none) is a commented line."""
    lines = [f"# {line}" if line else "#" for line in header.splitlines()]
    for name, p in parsers.items():
        lines += ["", f"[{name}]"]
        for key, a in keys_of(p).items():
            value = _effective(a, getattr(namespaces[name], a.dest, None))
            help_text = _help(a)
            lines += textwrap.wrap(help_text, 96, initial_indent="# ", subsequent_indent="#   ")
            if value is None:
                example = ["RULE", "..."] if _kind(a) == "list" else (a.metavar or "VALUE")
                lines.append(f"# {key} = {toml_value(example)}  (not set)")
            else:
                lines.append(f"{key} = {toml_value(value)}")
    return "\n".join(lines).lstrip("\n") + "\n"
