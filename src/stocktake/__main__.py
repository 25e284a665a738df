"""`python -m stocktake` runs the CLI."""

from stocktake.cli import main

main()
