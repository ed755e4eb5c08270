"""``python -m hdbench`` is the ``hdbench`` command."""

from hdbench.cli import main

main()
