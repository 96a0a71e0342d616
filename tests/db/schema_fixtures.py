"""Stored databases of every schema version, for the upgrade tests (tests/db/fixtures/schema-<rev>.sqlite).

A user's file made by an old release must open in every later one with its data intact. So each schema
revision the program has shipped keeps a small database made by the program of that time, filled with the
branch below; `test_migrations.py` opens a copy of each with today's program and reads the data back.

When you add a migration, store a database of the new schema (after `SCHEMA_HEAD` is updated):

    .venv/bin/python -m tests.db.schema_fixtures

Old fixtures are never regenerated: they stand for files that exist on users' machines.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
import sys
import tempfile
from pathlib import Path

FIXTURES = Path(__file__).resolve().parent / "fixtures"

BRANCH_NAME = "存档测试党支部"
MEMBERS = {
    # name: (citizen ID, join date, group)
    "欧阳修": ("110105197001020017", dt.date(1995, 7, 1), "第一党小组"),
    "单雄信": ("110105198203040010", dt.date(2005, 6, 30), "第二党小组"),
    "曾小红": ("11010519950506002X", dt.date(2024, 12, 20), None),
}


def fill(db) -> None:
    """The content every stored database holds (written through the services of its time)."""
    from branchdesk.domain.members import MemberFields
    from branchdesk.services.branch import BranchProfile, BranchService
    from branchdesk.services.members import AwardFields, MemberService, StatusChange

    branch = BranchService(db)
    members = MemberService(db)
    branch.save_profile(
        BranchProfile(name=BRANCH_NAME, founded_on=dt.date(1999, 7, 1), higher_committee="存档学院党委")
    )
    groups = {name: branch.add_group(name).id for name in ("第一党小组", "第二党小组")}
    ids = {}
    for name, (id_number, joined, group) in MEMBERS.items():
        probationary = joined.year >= 2024
        ids[name] = members.create(
            MemberFields(
                name=name,
                id_number=id_number,
                join_date=joined,
                conversion_date=None if probationary else dt.date(joined.year + 1, joined.month, joined.day),
                member_type="probationary" if probationary else "full",
                group_id=groups[group] if group else None,
                mobile="13912345678" if name == "单雄信" else "",
            )
        ).id
    branch.appoint(ids["欧阳修"], "secretary", dt.date(2023, 1, 5), dt.date(2026, 1, 4))
    members.add_award(
        ids["欧阳修"], AwardFields(date=dt.date(2021, 6, 28), title="优秀共产党员", issuer="存档学院党委")
    )
    members.change_status(ids["单雄信"], StatusChange("transferred_out", dt.date(2025, 3, 1), "工作调动"))
    branch.add_honour(dt.date(2020, 7, 1), "先进基层党组织", issuer="存档学院党委")


def check(db) -> None:
    """Assert that a database (possibly upgraded since) still holds everything `fill` wrote."""
    from branchdesk.services.branch import BranchService
    from branchdesk.services.members import MemberQuery, MemberService

    branch = BranchService(db)
    members = MemberService(db)
    assert branch.profile().name == BRANCH_NAME
    assert [g.name for g in branch.groups()] == ["第一党小组", "第二党小组"]
    everyone = {r.name: r for r in members.records(MemberQuery(statuses=None))}
    assert set(everyone) == set(MEMBERS)
    for name, (id_number, joined, group) in MEMBERS.items():
        record = everyone[name]
        assert (record.id_number, record.join_date, record.group_name) == (id_number, joined, group or "")
    assert everyone["单雄信"].status == "transferred_out"
    assert [r.name for r in members.records(MemberQuery())] == ["欧阳修", "曾小红"]  # by pinyin
    assert members.search_ids(MemberQuery(text="oyx")) == [everyone["欧阳修"].id]
    assert [(s.member_name, s.post) for s in branch.committee()] == [("欧阳修", "secretary")]
    assert [a.title for a in members.awards(everyone["欧阳修"].id)] == ["优秀共产党员"]
    assert [c.reason for c in members.status_history(everyone["单雄信"].id)] == ["工作调动"]
    assert [h.title for h in branch.honours()] == ["先进基层党组织"]


# Accounts (schema 0005 on): username -> (display name, role, password). The administrator is created
# first, with the recovery code; the others get a first password they must change.
ACCOUNTS = {
    "shuji": ("欧阳修", "admin", "Cundang-2026"),
    "weiyuan": ("单雄信", "committee", "Weiyuan-2026"),
    "chayue": ("检查组", "viewer", "Chayue-2026"),
}
IDLE_LOCK_MINUTES = 5


def fill_accounts(db) -> None:
    from branchdesk.domain.auth import Role
    from branchdesk.services.auth import AuthService

    auth = AuthService(db)
    for name, (display, role, password) in ACCOUNTS.items():
        if role == "admin":
            auth.create_first_admin(name, display, password, password)
        else:
            auth.add_account(name, display, Role(role), password, password)
    auth.set_idle_lock_minutes(IDLE_LOCK_MINUTES)


def holds_accounts(path: Path) -> bool:
    """Whether a stored database was made with accounts (schema 0005 and later)."""
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return bool(con.execute("SELECT 1 FROM sqlite_master WHERE name = 'user_account'").fetchall())
    finally:
        con.close()


def check_accounts(db, *, stored: bool) -> None:
    """The accounts survived (stored=True), or a database from before accounts still has none and
    works as before: the operating-system user with every right."""
    from branchdesk.services.auth import AuthService

    auth = AuthService(db)
    if not stored:
        assert not auth.has_accounts()
        assert db.principal.is_admin and db.principal.account_id is None
        return
    assert auth.has_accounts()
    for name, (display, role, password) in ACCOUNTS.items():
        signed = auth.sign_in(name, password)
        assert (signed.principal.display_name, signed.principal.role.value) == (display, role)
        assert signed.must_change_password == (role != "admin")
    auth.sign_in("shuji", ACCOUNTS["shuji"][2])
    assert [a.username for a in auth.accounts()] == list(ACCOUNTS)
    assert auth.idle_lock_minutes() == IDLE_LOCK_MINUTES


def stored() -> dict[str, Path]:
    """Revision -> stored database."""
    return {path.stem.removeprefix("schema-"): path for path in sorted(FIXTURES.glob("schema-*.sqlite"))}


def make(revision: str) -> Path:
    from branchdesk.config import resolve_location
    from branchdesk.db.backup import backup_sqlite
    from branchdesk.db.migrate import SCHEMA_HEAD, open_database

    if revision != SCHEMA_HEAD:
        raise SystemExit(f"can only store the current schema ({SCHEMA_HEAD}), not {revision}")
    target = FIXTURES / f"schema-{revision}.sqlite"
    if target.exists():
        raise SystemExit(f"{target} exists; stored databases are never regenerated")
    with tempfile.TemporaryDirectory() as tmp:
        db, _ = open_database(resolve_location(str(Path(tmp) / "fixture.sqlite")), user="存档")
        fill(db)
        fill_accounts(db)
        check(db)
        check_accounts(db, stored=True)
        db.dispose()
        con = sqlite3.connect(Path(tmp) / "fixture.sqlite")
        con.execute("VACUUM")
        con.close()
        FIXTURES.mkdir(exist_ok=True)
        backup_sqlite(Path(tmp) / "fixture.sqlite", target)
    return target


if __name__ == "__main__":
    from branchdesk.db.migrate import SCHEMA_HEAD

    print(make(sys.argv[1] if len(sys.argv) > 1 else SCHEMA_HEAD))
