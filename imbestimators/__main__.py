"""``python -m imbestimators`` and the ``imbestimators`` console script."""

import sys

__all__ = ["main"]


def main(argv=None):
    """Run the ``imbestimators`` command line and return its exit code.

    Parameters
    ----------
    argv : list of str, default=None
        Arguments after the program name; None reads ``sys.argv``.

    Returns
    -------
    int
        0 on success, 2 for a usage or input error.
    """
    # imported here so that `import imbestimators` stays light
    from imbestimators._compare._cli import main as cli_main

    return cli_main(argv)


if __name__ == "__main__":
    sys.exit(main())
