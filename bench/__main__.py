"""`python -m bench`: the benchmark (`bench.main`)."""

import sys

from bench.main import main

sys.exit(main())
