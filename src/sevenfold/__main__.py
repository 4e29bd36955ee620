"""``python -m sevenfold``: the same command line as the ``sevenfold`` script."""

import sys

from sevenfold.cli import main

sys.exit(main())
