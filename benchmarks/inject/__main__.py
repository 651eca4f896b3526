"""``python -m benchmarks.inject``: see :mod:`benchmarks.inject.cli`."""

import sys

from .cli import main

sys.exit(main())
