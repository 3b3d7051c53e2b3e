"""``python -m simulator`` — the same as the ``jevons`` command."""

import sys

from .cli import main

sys.exit(main())
