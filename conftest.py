"""pytest collects the doctests of the package too (``testpaths`` holds ``cleaner``).

The datatrove step needs the optional ``datatrove`` extra at import time (its
class derives from datatrove's ``PipelineStep``); without the extra its module
is not collected, instead of failing the whole run with an import error.  The
README's test command installs the extra, so CI does collect it.
"""

import importlib.util

collect_ignore: list[str] = []
if importlib.util.find_spec("datatrove") is None:
    collect_ignore.append("cleaner/integrations/datatrove.py")
