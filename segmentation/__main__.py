"""``python -m segmentation``: see :mod:`segmentation.cli`."""

import sys

from segmentation.cli import main

if __name__ == "__main__":
    sys.exit(main())
