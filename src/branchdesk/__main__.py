"""Entry point: `branchdesk [--db URL_OR_PATH] [subcommand …]`. No subcommand opens the window."""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> int:
    from branchdesk.cli import main as cli_main

    return cli_main(argv)


if __name__ == "__main__":
    if getattr(sys, "frozen", False):  # the bundle: a helping process of `check --all` starts here
        import multiprocessing

        multiprocessing.freeze_support()
    sys.exit(main())
