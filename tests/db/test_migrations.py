"""Schema migrations at start-up: a fresh database, an up-to-date one, an older one, a newer one.

The stored databases of every shipped schema (tests/db/fixtures, made by schema_fixtures.py: a branch with
members, dossiers and meetings as far as each schema allows) are opened by today's program, on SQLite as
the user's file and on PostgreSQL with the same rows loaded at the same revision, and must keep every row
and every field. A test-only revision on top of the shipped head (see `_scripts_with_next`) plays the next
release: it adds a column and, on SQLite, rebuilds the parent tables the way Alembic changes a SQLite
table, which is where foreign key actions could silently delete children.
"""

from __future__ import annotations

import datetime as dt
import shutil
import sqlite3
import subprocess
import sys
import textwrap

import pytest
from sqlalchemy import inspect, text

from branchdesk.db import migrate
from branchdesk.db.migrate import SCHEMA_HEAD, DatabaseTooNewError, current_revision, open_database
from branchdesk.db.models import full_metadata
from branchdesk.workspace import Workspace
from tests.db import schema_fixtures

NEXT = "9001"  # the test-only revision on top of the shipped head
NEXT_REVISION = '''
"""test only: members get a WeChat id"""
import sqlalchemy as sa
from alembic import op

revision = "{revision}"
down_revision = "{down}"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("member") as batch_op:
        batch_op.add_column(sa.Column("wechat", sa.String(50), nullable=False, server_default=""))
    if op.get_context().dialect.name == "sqlite":
        # what a release changing a column type does on SQLite: copy, drop and rename the table
        for table in {rebuilt!r}:
            with op.batch_alter_table(table, recreate="always"):
                pass
    {failure}
'''
# Parent tables whose rows are referenced ON DELETE CASCADE / SET NULL by other tables.
REBUILT = ("member", "dossier", "dossier_vote", "meeting")


def _scripts_with_next(tmp_path, monkeypatch, *, fail: bool = False):
    """Make the program's migrations directory a copy of the shipped one plus a test-only revision NEXT."""
    from branchdesk import resources

    shipped = resources.migrations_dir()
    copy = tmp_path / "migrations"
    shutil.copytree(shipped, copy, ignore=shutil.ignore_patterns("__pycache__"))
    failure = 'raise RuntimeError("simulated failure in the middle of an upgrade")' if fail else ""
    script = NEXT_REVISION.format(revision=NEXT, down=SCHEMA_HEAD, failure=failure, rebuilt=REBUILT)
    (copy / "versions" / f"{NEXT}_test_wechat.py").write_text(script)
    monkeypatch.setattr(resources, "migrations_dir", lambda: copy)
    monkeypatch.setattr(migrate, "SCHEMA_HEAD", NEXT)


def _fill(db) -> int:
    ws = Workspace.open(db)
    from branchdesk.domain.members import MemberFields
    from branchdesk.services.branch import BranchProfile

    ws.branch.save_profile(BranchProfile(name="升级测试党支部"))
    return ws.members.create(MemberFields(name="王升级", join_date=dt.date(2001, 7, 1))).id


def _member_names(db) -> list[str]:
    with db.read() as session:
        return list(session.scalars(text("SELECT name FROM member ORDER BY id")))


# ---- the shipped scripts ---------------------------------------------------------------------------
def test_schema_head_is_the_head_of_the_shipped_scripts():
    from alembic.script import ScriptDirectory

    scripts = ScriptDirectory.from_config(migrate._alembic_config())
    assert scripts.get_heads() == [SCHEMA_HEAD], "SCHEMA_HEAD must name the newest shipped revision"


def test_fresh_database_reaches_head_with_every_table(location):
    db, result = open_database(location, user="测试用户")
    try:
        assert result.before is None
        assert result.after == SCHEMA_HEAD
        assert result.backup is None, "a new database has nothing to back up"
        assert current_revision(db.engine) == SCHEMA_HEAD
        with db.engine.connect() as conn:
            tables = set(inspect(conn).get_table_names())
        assert set(full_metadata().tables) <= tables
    finally:
        db.dispose()


def test_migrated_schema_matches_the_models(empty_db):
    """The shipped scripts and the SQLAlchemy models describe the same schema (no drift)."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    with empty_db.engine.connect() as conn:
        diff = compare_metadata(
            MigrationContext.configure(conn, opts={"compare_type": True}), full_metadata()
        )
    assert diff == []


def test_reopening_a_current_database_changes_nothing(location):
    db, _ = open_database(location)
    member_id = _fill(db)
    db.dispose()
    db, result = open_database(location)
    try:
        assert (result.before, result.after, result.backup) == (SCHEMA_HEAD, SCHEMA_HEAD, None)
        assert not result.upgraded
        assert _member_names(db) == ["王升级"]
        assert member_id == 1
    finally:
        db.dispose()
    if location.sqlite_path:
        assert not any(location.backup_dir().iterdir()), "no backup when nothing is upgraded"


def test_opening_a_current_database_does_not_import_alembic(tmp_path):
    """Start-up stays lean: the common case reads one row and never loads Alembic."""
    path = tmp_path / "lean.sqlite"
    db, _ = open_database(_sqlite_location(path))
    db.dispose()
    code = textwrap.dedent(
        f"""
        import sys
        from branchdesk.config import resolve_location
        from branchdesk.db.migrate import open_database
        db, result = open_database(resolve_location({str(path)!r}))
        assert not result.upgraded
        print(sorted(m for m in ("alembic", "openpyxl", "reportlab", "pypinyin") if m in sys.modules))
        """
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


# ---- a database from a newer program ---------------------------------------------------------------
def test_database_from_a_newer_version_is_refused_and_left_untouched(location):
    db, _ = open_database(location)
    _fill(db)
    with db.engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    db.dispose()
    before = location.sqlite_path.read_bytes() if location.sqlite_path else None

    with pytest.raises(DatabaseTooNewError) as caught:
        open_database(location)

    message = str(caught.value)
    assert "更新版本" in message and "9999" in message and SCHEMA_HEAD in message
    assert "请安装新版本" in message
    if location.sqlite_path:
        assert location.sqlite_path.read_bytes() == before
        assert not any(location.backup_dir().iterdir())
    from branchdesk.db.engine import Database

    check = Database(location.url)
    try:
        assert current_revision(check.engine) == "9999"
        assert _member_names(check) == ["王升级"]
    finally:
        check.dispose()


def test_cli_refuses_a_newer_database_with_one_clear_line(tmp_path, data_dir, capsys):
    from branchdesk.cli import main

    path = tmp_path / "newer.sqlite"
    db, _ = open_database(_sqlite_location(path))
    with db.engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    db.dispose()
    assert main(["--db", str(path), "backup", "-o", str(tmp_path / "b.sqlite")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("错误：此数据库由更新版本的 branchdesk 创建")
    assert "Traceback" not in err


# ---- upgrading an older database -------------------------------------------------------------------
def test_upgrade_backs_up_the_file_first_and_keeps_the_data(location, tmp_path, monkeypatch):
    db, _ = open_database(location)
    _fill(db)
    db.dispose()

    _scripts_with_next(tmp_path, monkeypatch)
    db, result = open_database(location)
    try:
        assert (result.before, result.after) == (SCHEMA_HEAD, NEXT)
        assert result.upgraded
        assert _member_names(db) == ["王升级"], "the upgrade keeps every member"
        with db.read() as session:
            assert session.scalar(text("SELECT wechat FROM member")) == ""
    finally:
        db.dispose()

    if location.sqlite_path is None:
        assert result.backup is None, "PostgreSQL is backed up by its administrator (pg_dump)"
        return
    backup = result.backup
    assert backup is not None and backup.exists()
    assert backup.parent == location.backup_dir()
    assert backup.name.startswith(f"升级前备份-{SCHEMA_HEAD}-")
    # The backup is a complete, consistent copy of the database as it was *before* the upgrade.
    con = sqlite3.connect(f"file:{backup}?mode=ro", uri=True)
    try:
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert con.execute("SELECT version_num FROM alembic_version").fetchone()[0] == SCHEMA_HEAD
        assert con.execute("SELECT name FROM member").fetchall() == [("王升级",)]
        columns = {row[1] for row in con.execute("PRAGMA table_info(member)")}
        assert "wechat" not in columns
    finally:
        con.close()


def test_failed_upgrade_leaves_the_database_as_it_was(location, tmp_path, monkeypatch):
    db, _ = open_database(location)
    _fill(db)
    db.dispose()

    _scripts_with_next(tmp_path, monkeypatch, fail=True)
    with pytest.raises(RuntimeError, match="simulated failure"):
        open_database(location)

    from branchdesk.db.engine import Database

    check = Database(location.url)
    try:
        assert current_revision(check.engine) == SCHEMA_HEAD
        with check.engine.connect() as conn:
            columns = {c["name"] for c in inspect(conn).get_columns("member")}
        assert "wechat" not in columns, "the half-done upgrade was rolled back"
        assert _member_names(check) == ["王升级"]
    finally:
        check.dispose()
    if location.sqlite_path:
        backups = list(location.backup_dir().glob(f"升级前备份-{SCHEMA_HEAD}-*.sqlite"))
        assert len(backups) == 1, "the backup taken before the attempt is kept"


def test_an_empty_file_is_created_without_a_backup(tmp_path, data_dir):
    """A zero-byte file (e.g. made by `touch`) is a new database, not something to back up."""
    path = tmp_path / "empty.sqlite"
    path.touch()
    location = _sqlite_location(path)
    db, result = open_database(location)
    db.dispose()
    assert result.after == SCHEMA_HEAD and result.backup is None


def _sqlite_location(path):
    from branchdesk.config import resolve_location

    return resolve_location(str(path))


# ---- stored databases of every schema version ------------------------------------------------------
def test_every_shipped_schema_has_a_stored_database():
    from alembic.script import ScriptDirectory

    revisions = {s.revision for s in ScriptDirectory.from_config(migrate._alembic_config()).walk_revisions()}
    missing = sorted(revisions - set(schema_fixtures.stored()))
    assert missing == [], f"store a database of schema {missing}: python -m tests.db.schema_fixtures"


@pytest.mark.parametrize("revision", sorted(schema_fixtures.stored()))
def test_every_stored_database_holds_rows_in_every_table_of_its_schema(revision):
    path = schema_fixtures.stored()[revision]
    counts = _stored_counts(path)
    assert [table for table, count in counts.items() if count == 0] == []
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        assert con.execute("SELECT version_num FROM alembic_version").fetchone()[0] == revision
    finally:
        con.close()


def _stored_counts(path) -> dict[str, int]:
    from sqlalchemy import create_engine

    engine = create_engine(f"sqlite:///file:{path}?mode=ro&uri=true")
    try:
        with engine.connect() as conn:
            return schema_fixtures.counts(conn)
    finally:
        engine.dispose()


def _put_stored_database(location, revision: str) -> dict[str, int]:
    """The stored database of `revision` where the test's database lives: a copy of the file, or its rows
    loaded into a PostgreSQL database brought to the same revision. Returns its rows per table."""
    source = schema_fixtures.stored()[revision]
    if location.sqlite_path is not None:
        shutil.copyfile(source, location.sqlite_path)
    else:
        schema_fixtures.build(location.url, revision)
        schema_fixtures.copy_rows(source, location.url)
    return _stored_counts(source)


def _baseline_count(db) -> int:
    from branchdesk.db.migrate import BASELINE_OPERATION

    with db.engine.connect() as conn:
        return conn.execute(
            text("SELECT count(*) FROM audit_entry WHERE operation = :op"), {"op": BASELINE_OPERATION}
        ).scalar()


def _assert_same_rows(db, before: dict[str, int]) -> None:
    from sqlalchemy import text

    from branchdesk.db.migrate import BASELINE_OPERATION

    with db.engine.connect() as conn:
        after = schema_fixtures.counts(conn)
        # upgrading past 0008 records the audit baseline (entries only; services/audit_replay)
        baseline = conn.execute(
            text("SELECT count(*) FROM audit_entry WHERE operation = :op"), {"op": BASELINE_OPERATION}
        ).scalar()
    if "audit_entry" in after:
        after["audit_entry"] -= baseline
    assert {table: after.get(table) for table in before} == before, "rows lost or added by the upgrade"
    from branchdesk.services.audit import verify

    report = verify(db)
    assert not report.data, report.lines()  # the trail replays against the data after the upgrade


@pytest.mark.parametrize("revision", sorted(schema_fixtures.stored()))
def test_a_stored_database_opens_with_its_data_intact(revision, location):
    before = _put_stored_database(location, revision)
    db, result = open_database(location)
    try:
        assert (result.before, result.after) == (revision, SCHEMA_HEAD)
        _assert_same_rows(db, before)
        schema_fixtures.check(db, revision)
    finally:
        db.dispose()
    if location.sqlite_path is None:
        assert result.backup is None, "PostgreSQL is backed up by its administrator (pg_dump)"
        return
    assert (result.backup is not None) == (revision != SCHEMA_HEAD), "backed up if and only if upgraded"
    if result.backup is not None:
        assert _stored_counts(result.backup) == before, "the backup holds the database as it was"


@pytest.mark.parametrize("revision", sorted(schema_fixtures.stored()))
def test_a_stored_database_keeps_its_data_through_the_next_upgrade(revision, location, tmp_path, monkeypatch):
    before = _put_stored_database(location, revision)
    _scripts_with_next(tmp_path, monkeypatch)
    db, result = open_database(location)
    try:
        assert (result.before, result.after) == (revision, NEXT)
        assert (result.backup is not None) == (location.sqlite_path is not None)
        _assert_same_rows(db, before)
        schema_fixtures.check(db, revision)
        with db.read() as session:
            assert session.scalar(text("SELECT count(*) FROM member WHERE wechat = ''")) == before["member"]
    finally:
        db.dispose()


# ---- files that are not branchdesk databases ---------------------------------------------------------
def test_another_programs_sqlite_file_is_refused_and_left_untouched(tmp_path, data_dir):
    import sqlite3

    from branchdesk.db.migrate import ForeignDatabaseError

    path = tmp_path / "通讯录.sqlite"
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE contacts (name TEXT, phone TEXT)")
    con.execute("INSERT INTO contacts VALUES ('张三', '13912345678')")
    con.commit()
    con.close()
    before = path.read_bytes()
    with pytest.raises(ForeignDatabaseError, match="contacts"):
        open_database(_sqlite_location(path))
    assert path.read_bytes() == before
    assert not list(tmp_path.glob("**/升级前备份-*"))


def test_cli_names_a_file_that_is_not_a_database(tmp_path, data_dir, capsys):
    from branchdesk.cli import main

    path = tmp_path / "会议记录.docx"
    path.write_bytes(b"PK\x03\x04 this is a word document, not a database" * 100)
    assert main(["--db", str(path), "backup", "-o", str(tmp_path / "b.sqlite")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("错误：无法打开数据库") and "会议记录.docx" in err
    assert "Traceback" not in err


# ---- the audit chain (0005) ------------------------------------------------------------------------
@pytest.mark.parametrize("revision", sorted(schema_fixtures.stored()))
def test_a_stored_database_has_a_clean_audit_chain_after_the_upgrade(revision, tmp_path, data_dir):
    """Entries written before the chain existed are chained by the upgrade, in the order written."""
    from branchdesk.services.audit import verify

    path = tmp_path / "users-file.sqlite"
    shutil.copyfile(schema_fixtures.stored()[revision], path)
    with sqlite3.connect(path) as con:
        written = [row[0] for row in con.execute("SELECT id FROM audit_entry ORDER BY id")]
    db, _ = open_database(_sqlite_location(path))
    try:
        report = verify(db)
        assert report.ok, report.lines()
        assert report.entries == len(written) + _baseline_count(db) > 0
        with db.read() as session:
            order = list(session.scalars(text("SELECT id FROM audit_entry ORDER BY seq")))
        assert order[: len(written)] == written  # then the baseline entries of 0008
    finally:
        db.dispose()


def test_the_chain_upgrade_chains_thousands_of_entries_in_batches(location):
    """A busy office's 0004 database (more entries than one batch of the migration) upgrades to a chain
    that verifies; then the program keeps appending to it."""
    from alembic import command

    from branchdesk.db.engine import Database
    from branchdesk.services.audit import verify

    old = Database(location.url)
    with old.engine.begin() as conn:
        command.upgrade(migrate._alembic_config(conn), "0004")
    count = 4500  # > 2 batches of 2000
    start = dt.datetime(2026, 3, 5, 6, 2, 0, 123456, tzinfo=dt.UTC)
    rows = [
        {"at": start + dt.timedelta(minutes=i), "user": "张三" if i % 2 else "李书记", "operation": "修改党员档案",
         "action": ("insert", "update", "delete")[i % 3], "entity": "member", "entity_id": i if i % 7 else None,
         "changes": f'{{"work_unit": ["计算机学院", "第{i}学院"]}}'}
        for i in range(count)
    ]  # fmt: skip
    if location.sqlite_path is not None:  # stored as SQLAlchemy stores it there: naive UTC text
        rows = [{**r, "at": r["at"].strftime("%Y-%m-%d %H:%M:%S.%f")} for r in rows]
    with old.engine.begin() as conn:
        conn.execute(
            text(
                'INSERT INTO audit_entry (at, "user", operation, action, entity, entity_id, changes) '
                "VALUES (:at, :user, :operation, :action, :entity, :entity_id, :changes)"
            ),
            rows,
        )
    old.dispose()

    db, result = open_database(location)
    try:
        assert (result.before, result.after) == ("0004", SCHEMA_HEAD)
        report = verify(db)
        assert report.ok, report.lines()
        assert report.entries == count + _baseline_count(db)
        _fill(db)
        report = verify(db)
        assert report.ok and report.entries > count
    finally:
        db.dispose()


# ---- an encrypted database (issue 19) ------------------------------------------------------------------
@pytest.fixture
def encrypted_location(tmp_path, data_dir):
    """A copy of the stored encrypted database (SQLCipher, its key file beside it), nothing unlocked."""
    from branchdesk.db import crypto

    crypto.forget_all()
    yield _sqlite_location(schema_fixtures.put_encrypted(tmp_path / "office"))
    crypto.forget_all()


def _sign_in_encrypted(location):
    from branchdesk.services.encryption import Gate

    gate = Gate(location)
    gate.sign_in("shuji", schema_fixtures.ACCOUNTS["shuji"][2])
    return gate.db, gate.result


def _after_login(counts: dict[str, int]) -> dict[str, int]:
    """The stored rows plus the audit entry of the administrator's login that unlocked the file."""
    return {**counts, "audit_entry": counts["audit_entry"] + 1}


def _secrets_of_the_branch(path) -> list[str]:
    data = path.read_bytes()
    found = [name for name in schema_fixtures.MEMBERS if name.encode() in data]
    return found + [v[0] for v in schema_fixtures.MEMBERS.values() if v[0].encode() in data]


def test_an_encrypted_stored_database_opens_with_a_password_and_keeps_its_data(encrypted_location):
    from branchdesk.db import crypto
    from branchdesk.services.audit import verify

    revision = schema_fixtures.ENCRYPTED_REVISION
    assert _secrets_of_the_branch(encrypted_location.sqlite_path) == []
    with pytest.raises(crypto.KeyNeeded):
        open_database(encrypted_location)
    db, result = _sign_in_encrypted(encrypted_location)
    try:
        assert db.encrypted
        assert (result.before, result.after) == (revision, SCHEMA_HEAD)
        _assert_same_rows(db, _after_login(_stored_counts(schema_fixtures.stored()[revision])))
        assert verify(db).ok
        schema_fixtures.check(db, revision)
    finally:
        db.dispose()
    if result.backup is not None:  # a later schema: the pre-upgrade copy is encrypted with its key file
        assert crypto.is_encrypted(result.backup) and crypto.keyfile_path(result.backup).exists()
        assert _secrets_of_the_branch(result.backup) == []


def test_an_encrypted_stored_database_keeps_its_data_through_the_next_upgrade(
    encrypted_location, tmp_path, monkeypatch
):
    from branchdesk.db import crypto
    from branchdesk.services.backups import preview_backup

    revision = schema_fixtures.ENCRYPTED_REVISION
    before = _stored_counts(schema_fixtures.stored()[revision])
    _scripts_with_next(tmp_path, monkeypatch)
    db, result = _sign_in_encrypted(encrypted_location)
    try:
        assert (result.before, result.after) == (revision, NEXT)
        _assert_same_rows(db, _after_login(before))
        schema_fixtures.check(db, revision)
        with db.read() as session:
            assert session.scalar(text("SELECT count(*) FROM member WHERE wechat = ''")) == before["member"]
    finally:
        db.dispose()
    backup = result.backup
    assert backup is not None and backup.name.startswith(f"升级前备份-{revision}-")
    assert crypto.is_encrypted(backup) and crypto.keyfile_path(backup).exists()
    assert _secrets_of_the_branch(backup) == []
    assert _secrets_of_the_branch(encrypted_location.sqlite_path) == []
    assert preview_backup(backup).member_total == before["member"]


def test_the_recovery_code_opens_the_stored_encrypted_database(encrypted_location):
    from branchdesk.services.encryption import unlock_with_recovery

    unlock_with_recovery(encrypted_location.sqlite_path, schema_fixtures.RECOVERY_CODE)
    db, _ = open_database(encrypted_location)
    try:
        assert _member_names(db)[0] == next(iter(schema_fixtures.MEMBERS))
    finally:
        db.dispose()
