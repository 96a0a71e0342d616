"""Check what the frozen program did to a copy of tests/db/fixtures/schema-0001.sqlite (see build-bundle).

    python scripts/check_upgraded_db.py ORIGINAL DATABASE BACKUP_FOLDER ROSTER_XLSX

ORIGINAL is the stored database the copy was made from. The copy is upgraded and keeps every row of every
table, the backup taken before the upgrade is the old file, and the roster exported from it names the
branch and its members. Standard library only (CI's plain python3, the release workflow's Python on Windows).
"""

from __future__ import annotations

import html
import sqlite3
import sys
import zipfile
from pathlib import Path

#: tables whose rows the upgraded program may add to (never remove)
GROWING = {"audit_entry"}


def read(path: Path, sql: str) -> list[tuple]:
    con = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def counts(path: Path) -> dict[str, int]:
    tables = [name for (name,) in read(path, "SELECT name FROM sqlite_master WHERE type = 'table'")]
    return {t: read(path, f'SELECT count(*) FROM "{t}"')[0][0] for t in tables if t != "alembic_version"}


def main(original: Path, database: Path, backups: Path, roster: Path) -> None:
    before = counts(original)
    assert before.get("member"), "the original holds no members"
    copies = sorted(backups.glob("升级前备份-0001-*.sqlite"))
    assert len(copies) == 1, f"expected one backup taken before the upgrade in {backups}, found {copies}"
    assert read(copies[0], "SELECT version_num FROM alembic_version") == [("0001",)], (
        "the backup is not the old file"
    )
    assert read(database, "SELECT version_num FROM alembic_version") != [("0001",)], (
        "the database was not upgraded"
    )
    for path in (database, copies[0]):
        assert read(path, "PRAGMA integrity_check") == [("ok",)], path
        after = counts(path)
        # the audit trail only grows: the first start after an upgrade records what the migrations wrote
        # (the baseline of 0008, the payments 0012 converts from "paid up to")
        lost = {
            t: (n, after.get(t))
            for t, n in before.items()
            if (after.get(t) or 0) < n or (after.get(t) != n and t not in GROWING)
        }
        assert not lost, f"{path.name}: rows per table changed (before, after): {lost}"
    with zipfile.ZipFile(roster) as book:
        text = html.unescape(  # a writer may store characters as references (&#20826;)
            "".join(
                book.read(n).decode() for n in book.namelist() if n.startswith("xl/") and n.endswith(".xml")
            )
        )
    for name in ("存档测试党支部", "欧阳修", "曾小红"):
        assert name in text, f"the roster exported from the upgraded database lacks {name}"
    print(
        f"    upgraded {database.name}: {sum(before.values())} rows in {len(before)} tables kept, backup {copies[0].name}"
    )


if __name__ == "__main__":
    try:
        main(*(Path(arg) for arg in sys.argv[1:5]))
    except AssertionError as exc:
        print(f"check of the upgraded database failed: {exc}", file=sys.stderr)
        sys.exit(1)
