"""``python -m runtime.cli``: the same as the ``llmops`` console script."""

import sys

from runtime.cli import main

if __name__ == "__main__":
    sys.exit(main())
