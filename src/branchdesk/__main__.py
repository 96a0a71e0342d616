"""Entry point: `branchdesk [--db URL_OR_PATH] [subcommand …]`. No subcommand opens the window."""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> int:
    from branchdesk.cli import main as cli_main

    return cli_main(argv)


if __name__ == "__main__":
    sys.exit(main())
