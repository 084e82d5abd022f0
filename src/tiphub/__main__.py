"""`python -m tiphub` runs the CLI (same as the `tiphub` console script)."""

from tiphub.cli import main

main()
