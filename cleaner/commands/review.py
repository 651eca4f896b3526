"""``cleaner review``: one self-contained HTML page to look at a run.

Three sources, one page (:mod:`cleaner.review` builds and renders it):

* the inputs themselves, cleaned now with the rule options of ``cleaner
  clean`` (neither ``--report`` nor ``--clusters`` given);
* ``--report FILE``, the report of an earlier ``cleaner clean``; the inputs,
  when given, show the edits in their context;
* ``--clusters FILE``, the clusters of a ``cleaner dedup`` run; its inputs,
  when given, show each member's text.

The inputs are read as ``cleaner clean`` reads them: folders recursively
(``--glob``), ``.gz``/``.bz2``/``.zst`` decompressed, ``.parquet`` as a
table (the column ``--field``).  ``--config FILE`` reads the options from
the TOML file of ``cleaner clean`` (its keys at the top and its
``[review]`` table; ``cleaner config --show`` prints them).

Exit codes as the other commands: 1 bad input (the file and line named;
nothing written), 2 bad usage, 74 a path could not be written or read.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator, Sequence
from typing import Any

from ..dedup.split import split_paragraphs
from ..edits import Edit, Suggestion
from ..config import OPTIONS
from ..errors import InputError, UsageError
from ..parquet import is_parquet, parquet_documents, require_pyarrow
from ..review import CONTEXT, PAGE_SIZE, cluster_entry, document_entry, page_data, render_page, row_edit
from ..registry import RULES
from ..runner import clean_documents, counted, default_jobs
from ..textio import Outputs, read_bytes, read_lines

from ..records import BadRecord, Document, read_jsonl, read_text_file
from .clean import add_id_field, add_rule_options, check_confusions, check_id_field, config_of
from .common import add_field_option, check_outputs
from .formats import check_field, resolve_inputs
from .settings import add_config_option
from .catalog import SUBCOMMANDS

__all__ = ["add_parser", "cmd_review"]

EXAMPLES = """\
examples:
  cleaner review scan.txt -o review.html                 clean and show every edit
  cleaner review --jsonl --field content corpus.jsonl -o review.html --disable dedup
  cleaner review corpus.jsonl --jsonl --report edits.jsonl -o review.html   an earlier run's report, in context
  cleaner review a.txt b.txt --clusters clusters.jsonl -o review.html       the clusters of cleaner dedup
  cleaner review corpus/ --glob '*.jsonl.gz' --jsonl -o review.html         a folder, read recursively
  cleaner review --config cleaner.toml scan.txt -o review.html   the rule options of a config file ([review] and the top)

The page opens in any browser from the file itself (no server, no network):
edits inline with their rule and score, suggestions and dropped paragraphs
apart, filters by rule, 50 documents a page.
"""

#: rule options that only apply when the inputs are cleaned here
_RULE_OPTIONS = tuple(o.name for o in OPTIONS.values() if o.flag)


def _context(value: str) -> int | None:
    """``--context``: a number of characters, or None for ``all`` (a string,
    so that a configuration file writes it back as it reads it).

    >>> _context("all"), _context("80")
    (None, 80)
    """
    if value == "all":
        return None
    try:
        n = int(value)
    except ValueError:
        raise UsageError(f"--context takes a number of characters or 'all', not {value!r}") from None
    if n < 0:
        raise UsageError(f"--context takes a number of characters (0 or more) or 'all', not {n}")
    return n


def add_parser(subparsers: Any) -> None:
    """Add the ``review`` subcommand to the ``cleaner`` parser."""
    p = subparsers.add_parser(
        "review",
        help=SUBCOMMANDS["review"].summary,
        description="Write a self-contained HTML page (no server, no network) that shows each document with its "
        "edits highlighted and labelled by rule and score, the suggestions and dropped paragraphs apart, "
        "filters by rule and pages of documents; or the clusters of cleaner dedup with their members side by side.",
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument(
        "files",
        nargs="*",
        metavar="FILE",
        help="the inputs: files or folders (read recursively; see --glob), '-' for stdin; .gz, .bz2 and .zst are "
        "decompressed, .parquet is read as a table; cleaned now, or the context of --report / --clusters",
    )
    p.add_argument("-o", "--output", metavar="PAGE.html", help="where to write the page (required; atomically)")
    p.add_argument("--jsonl", action="store_true", help="inputs are JSON Lines, one document per record")
    add_field_option(p, "the JSON Lines field holding the text")
    p.add_argument("--glob", metavar="PATTERN", help="in folder inputs, read only the files whose name matches PATTERN (e.g. '*.jsonl.gz')")
    add_id_field(p)
    add_config_option(p)
    p.add_argument("--encoding", metavar="ENC", help="input encoding of text files (default: detect)")
    p.add_argument("--report", metavar="FILE", help="show the edits of this `cleaner clean --report` file instead of cleaning")
    p.add_argument("--clusters", metavar="FILE", help="show the clusters of this `cleaner dedup --clusters` file (the inputs give their text)")
    p.add_argument("--context", default=str(CONTEXT), metavar="N|all", help=f"unchanged characters shown around each edit (default {CONTEXT}; all: whole documents)")
    p.add_argument("--page-size", type=int, default=PAGE_SIZE, metavar="N", help=f"documents (and clusters) per page (default {PAGE_SIZE})")
    p.add_argument("--title", metavar="TEXT", help="the page's title (default: the inputs' names)")
    p.add_argument("--jobs", "-j", type=int, default=0, metavar="N", help="worker processes when cleaning (default 0: all cores)")
    p.add_argument("--quiet", "-q", action="store_true", help="no summary on stderr")
    add_rule_options(p)
    p.set_defaults(func=cmd_review, output_dir=None)  # no output folder to leave out of folder inputs


def _check_usage(args: argparse.Namespace) -> None:
    if not args.output:
        raise UsageError("give the page's path with -o PAGE.html")
    if args.page_size < 1:
        raise UsageError("--page-size must be 1 or more")
    if args.jobs < 0:
        raise UsageError("--jobs must be 0 (all cores) or more")
    if args.files.count("-") > 1:
        raise UsageError("stdin ('-') can be read once")
    args.context = _context(args.context) if isinstance(args.context, str) else args.context
    cleaning = not (args.report or args.clusters)
    from_file: frozenset[str] = getattr(args, "from_config", frozenset())  # a config file's rule options are for cleaning: unused here
    if not cleaning and any(getattr(args, o) is not None and o not in from_file for o in _RULE_OPTIONS):
        raise UsageError("rule options apply when review cleans the inputs; with --report or --clusters the edits are already made")
    if cleaning and not args.files:
        raise UsageError("give the inputs to clean (or --report FILE / --clusters FILE of an earlier run)")
    check_id_field(args)
    check_confusions(args)
    if any(is_parquet(f) for f in args.files):
        try:
            require_pyarrow()
        except ImportError as exc:
            raise UsageError(str(exc)) from None
    check_outputs(args.files, (("-o", args.output),), None, also_read=(args.report, args.clusters, args.lexicon, getattr(args, "model", None), getattr(args, "confusions", None)))


def _documents(args: argparse.Namespace) -> Iterator[Document]:
    """The inputs' documents, as ``cleaner clean`` reads and names them."""
    for name in args.files:
        label = "<stdin>" if name == "-" else name
        if is_parquet(name):
            yield from parquet_documents([name], args.field, id_field=args.id_field)
        elif args.jsonl:
            for item in read_jsonl(read_lines(name), label, args.field, id_field=getattr(args, "id_field", None)):
                if isinstance(item, BadRecord):
                    raise InputError(f"{label}: line {item.line}: {item.reason}")
                yield item
        else:
            yield read_text_file(label, read_bytes(name), args.encoding)


def _json_rows(path: str, what: str) -> Iterator[tuple[int, dict[str, Any]]]:
    """The objects of a JSON Lines file with their line numbers; bad input names the line."""
    for lineno, raw in enumerate(read_lines(path), 1):
        if not raw.strip():
            continue
        try:
            row = json.loads(raw.decode("utf-8"))
        except UnicodeDecodeError as exc:
            raise InputError(f"{path}: line {lineno}: invalid UTF-8 at byte {exc.start}") from None
        except json.JSONDecodeError as exc:
            raise InputError(f"{path}: line {lineno}: invalid JSON: {exc.msg} at column {exc.colno}") from None
        if not isinstance(row, dict) or (what == "report" and not isinstance(row.get("document"), str)):
            raise InputError(f"{path}: line {lineno}: not a row of {what} (an object with a \"document\")")
        yield lineno, row


def _cleaned(args: argparse.Namespace) -> list[dict[str, Any]]:
    config = config_of(args)
    jobs = default_jobs() if args.jobs == 0 else args.jobs
    return [
        document_entry(r.document.id, r.document.text, r.edits, r.suggestions, context=args.context)
        for r in clean_documents(_documents(args), config, jobs=jobs)
    ]


def _reported(args: argparse.Namespace, texts: dict[str, str] | None) -> list[dict[str, Any]]:
    """The documents of a report: in the inputs' order when they are given
    (those without edits included), else in the report's."""
    changes: dict[str, tuple[list[Edit], list[Suggestion], int]] = {}
    for lineno, row in _json_rows(args.report, "report"):
        doc = row["document"]
        if texts is not None and doc not in texts:
            raise InputError(f"{args.report}: line {lineno}: document {doc!r} is not among the inputs; give the inputs of that run")
        try:
            change = row_edit(row)
        except ValueError as exc:
            raise InputError(f"{args.report}: line {lineno}: {exc}") from None
        edits, suggestions, _ = changes.setdefault(doc, ([], [], lineno))
        (suggestions if isinstance(change, Suggestion) else edits).append(change)  # type: ignore[arg-type]
    order = list(texts) if texts is not None else list(changes)
    out = []
    for doc in order:
        edits, suggestions, lineno = changes.get(doc, ([], [], 0))
        try:
            out.append(document_entry(doc, texts[doc] if texts is not None else None, edits, suggestions, context=args.context))
        except ValueError as exc:
            raise InputError(f"{args.report}: line {lineno}: {exc}") from None
    return out


class _Unmatched(Exception):
    """A cluster names a document or paragraph the inputs do not have."""


def _clusters(args: argparse.Namespace, texts: dict[str, str] | None) -> list[dict[str, Any]]:
    paragraphs: dict[str, list[tuple[int, int]]] = {}

    def text_of(doc: str, para: int | None) -> str | None:
        if texts is None:
            return None
        if doc not in texts:
            raise _Unmatched(f"document {doc!r} is not among the inputs; give the inputs of that dedup run")
        text = texts[doc]
        if para is None:
            return text
        spans = paragraphs.setdefault(doc, split_paragraphs(text))
        if not 0 <= para < len(spans):
            raise _Unmatched(f"{doc} has no paragraph {para} (counted from 0); give the inputs of that dedup run")
        return text[spans[para][0] : spans[para][1]]

    out = []
    for lineno, row in _json_rows(args.clusters, "clusters"):
        try:
            out.append(cluster_entry(row, text_of))
        except _Unmatched as exc:
            raise InputError(f"{args.clusters}: line {lineno}: {exc.args[0]}") from None
        except (KeyError, TypeError, AttributeError):
            raise InputError(f"{args.clusters}: line {lineno}: not a cluster of cleaner dedup --clusters (kept, members, pairs)") from None
    return out


def _texts(args: argparse.Namespace) -> dict[str, str] | None:
    if not args.files:
        return None
    texts: dict[str, str] = {}
    for doc in _documents(args):
        if doc.id in texts:
            raise UsageError(f"{doc.id} is given twice; name each input once")
        texts[doc.id] = doc.text
    return texts


def _title(args: argparse.Namespace) -> str:
    if args.title:
        return str(args.title)
    names = [n if n != "-" else "<stdin>" for n in args.files] or [f for f in (args.report, args.clusters) if f]
    shown = ", ".join(names[:3]) + (f" and {len(names) - 3} more" if len(names) > 3 else "")
    return f"cleaner review: {shown}"


def cmd_review(args: argparse.Namespace) -> int:
    """Run ``cleaner review``; returns the exit code."""
    if args.files:  # none: a report or clusters shown without their text
        resolve_inputs(args)
    check_field(args, args.files)
    _check_usage(args)
    if args.report or args.clusters:
        texts = _texts(args)
        documents = _reported(args, texts) if args.report else []
        clusters = _clusters(args, texts) if args.clusters else []
    else:
        documents, clusters = _cleaned(args), []
    data = page_data(documents, clusters, title=_title(args), page_size=args.page_size, rule_order=list(RULES))
    page = render_page(data)
    if args.output == "-":
        sys.stdout.write(page)
    else:
        with Outputs() as outs:  # a temporary file renamed into place: never half a page, never through a link
            outs.write_file(args.output, page)
    if not args.quiet:
        s = data["summary"]
        print(
            f"cleaner review: {args.output}: {counted(s['documents'], 'document')} ({s['changed']} with changes), {counted(s['edits'], 'edit')}, "
            f"{counted(s['suggestions'], 'suggestion')}, {counted(s['clusters'], 'cluster')}; {len(page.encode('utf-8')) / 1e6:.1f} MB",
            file=sys.stderr,
        )
    return 0
