"""Errors every area shares (their messages are Chinese: the CLI and the window show them as they are)."""

from __future__ import annotations


class NotFoundError(LookupError):
    """A record asked for by id does not exist (any more): a member file, a dossier, a meeting …"""


class NoBranchError(LookupError):
    """The database has no branch yet, or not the one asked for, or several and none was chosen."""
