"""``python -m hotline`` is the ``hotline`` command."""

from hotline.cli import main

main()
