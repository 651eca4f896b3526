"""The subcommands of ``cleaner``: :mod:`~cleaner.commands.clean` (``clean``
and ``rules``) and :mod:`~cleaner.commands.dedup`, over what they share in
:mod:`~cleaner.commands.common`.  :mod:`cleaner.cli` assembles the parser.

A command checks its usage and outputs, reads documents with
:mod:`cleaner.records`, runs an engine (:mod:`cleaner.runner` here, or the
Ray engine) and writes through :mod:`cleaner.textio`; nothing below this
package imports it.
"""
