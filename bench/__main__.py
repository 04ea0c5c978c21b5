"""``python -m bench``: run the gateway benchmark (see docs/bench.md)."""

import sys

from bench.harness.run import main

sys.exit(main())
