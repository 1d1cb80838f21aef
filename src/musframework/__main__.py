"""``python -m musframework``: the form author's command line (see :mod:`musframework.cli`)."""

from musframework.cli import main

if __name__ == "__main__":
    raise SystemExit(main())
