"""``python -m hotline`` is the ``hotline`` command."""

from hotline.quick import main

main()
