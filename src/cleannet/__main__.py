"""``python -m cleannet`` is the same as the ``cleannet`` command."""

from cleannet.cli import main

main()
