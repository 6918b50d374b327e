"""``python -m contrib_norm.migrate``."""

import sys

from contrib_norm.migrate.cli import main

sys.exit(main())
