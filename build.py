"""Build this repository's example site: `python build.py` is `briefings build .` run from here.

Any arguments are passed to the `briefings` command, e.g. `python build.py build --drafts .`.
"""

import sys
from pathlib import Path

from briefings.cli import main

if __name__ == "__main__":
    here = Path(__file__).resolve().parent
    raise SystemExit(main(sys.argv[1:] or ["build", str(here)]))
