"""Stored databases of every schema version, for the upgrade tests (tests/db/fixtures/schema-<rev>.sqlite).

A user's file made by an old release must open in every later one with its data intact. So each schema
revision the program has shipped keeps a small database holding a realistic branch (`fill`), and
`test_migrations.py` opens a copy of each with today's program (and loads its rows into PostgreSQL at
the same revision) and reads the data back (`check`).

How a stored database is made: an empty file is brought to exactly that revision by the shipped Alembic
scripts, then `fill` writes the branch row by row with SQLAlchemy Core against the tables *as they are at
that revision* (reflected from the file, not today's models, which have moved on). What each revision
holds grows with its schema:

- 0001, 0002: the branch, party groups, ten members (one transferred out, one deceased: status history),
  committee seats (one ended), awards and a punishment, an honour, a setting;
- 0003: four development dossiers (admitted and on probation; converted after an extended probation, with
  its votes, an excluded voter and an accepted warning; an activist; a withdrawn applicant) with talks,
  filings, contact persons, assessments, thought reports, sponsors and checklists;
- 0004: meetings: the general meeting that admitted the probationary member (attendance, the applicant
  as observer, the agenda item and the dossier's vote linked to it, an amendment, a signed attendance
  sheet attached), the year-end 组织生活会 and 民主评议 (remediation items, grades), talks, a committee
  meeting in draft, a planned meeting of the branch's own type.

Every row gets the audit entry the program's unit of work would have written (same format), so that
upgrades touching the audit trail see a realistic one. Timestamps are fixed: making a revision's database
twice gives the same rows.

When you add a migration, store a database of the new schema (after `SCHEMA_HEAD` is updated), with the
data the new tables allow added to `fill` under that revision:

    .venv/bin/python -m tests.db.schema_fixtures            # the head revision
    .venv/bin/python -m tests.db.schema_fixtures 0003 --force   # rewrite an older one (same schema)
    .venv/bin/python -m tests.db.schema_fixtures --encrypted    # the encrypted copy (make_encrypted)

Rewriting an older stored database is allowed only because its rows are written against that revision's
own schema; never change what an older revision's data means.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import shutil
import sqlite3
import sys
import tempfile
from pathlib import Path
from typing import Any

from branchdesk.workspace import Workspace

FIXTURES = Path(__file__).resolve().parent / "fixtures"

BRANCH_NAME = "存档测试党支部"
HIGHER = "存档学院党委"
GROUPS = ("第一党小组", "第二党小组")

# name: (citizen ID, sex, birth, member type, join date, conversion date, group index or None)
MEMBERS: dict[str, tuple] = {
    "欧阳修": ("110105197001020017", "男", dt.date(1970, 1, 2), "full", dt.date(1995, 7, 1), dt.date(1996, 7, 1), 0),
    "单雄信": ("110105198203040010", "男", dt.date(1982, 3, 4), "full", dt.date(2005, 6, 30), dt.date(2006, 6, 30), 1),
    "曾小红": ("11010519950506002X", "女", dt.date(1995, 5, 6), "probationary", dt.date(2026, 1, 8), None, 0),
    "区志强": ("110105198609120416", "男", dt.date(1986, 9, 12), "full", dt.date(2010, 7, 1), dt.date(2011, 7, 1), 0),
    "覃春梅": ("110105198803210423", "女", dt.date(1988, 3, 21), "full", dt.date(2012, 6, 28), dt.date(2013, 6, 28), 0),
    "查文静": ("110105197911300448", "女", dt.date(1979, 11, 30), "full", dt.date(2008, 12, 20), dt.date(2009, 12, 20), 1),
    "解晓东": ("11010519480214047X", "男", dt.date(1948, 2, 14), "full", dt.date(1972, 7, 1), dt.date(1973, 7, 1), None),
    "朴成浩": ("110105199008080492", "男", dt.date(1990, 8, 8), "full", dt.date(2014, 6, 30), dt.date(2015, 6, 30), 1),
    "马丽": ("110105199604020509", "女", dt.date(1996, 4, 2), "full", dt.date(2022, 6, 28), dt.date(2023, 12, 28), 1),
    "曾国华": ("110105197510010538", "男", dt.date(1975, 10, 1), "full", dt.date(2000, 7, 1), dt.date(2001, 7, 1), 1),
}  # fmt: skip
MEMBER_ID = {name: i for i, name in enumerate(MEMBERS, start=1)}  # rows are written in this order
ON_ROSTER = ["马丽", "欧阳修", "区志强", "朴成浩", "覃春梅", "曾国华", "曾小红", "查文静"]  # by pinyin
# the seven full members on the roster: the voters of 2026-01-08
VOTERS = ["欧阳修", "区志强", "覃春梅", "查文静", "朴成浩", "马丽", "曾国华"]

# Development dossiers (0003 on): ids in this order.
DOSSIER_ZENG, DOSSIER_MA, DOSSIER_SIMA, DOSSIER_PIAO = 1, 2, 3, 4
# Meetings (0004 on)
MEETING_ADMISSION, MEETING_APPRAISAL, MEETING_ORG_LIFE, MEETING_TALKS, MEETING_COMMITTEE, MEETING_PLANNED = (
    range(1, 7)
)
SIGN_IN_SHEET = (
    b"%PDF-1.4\n% branchdesk schema fixture: sign-in sheet of the general meeting of 2026-01-08\n"
    + "支部党员大会签到表 应到7人 实到6人".encode()
    + b"\n%%EOF\n"
)

_STARTED = dt.datetime(2026, 1, 5, 1, 0, tzinfo=dt.UTC)  # the fixture's first entry (office hours, UTC+8)
_NOT_AUDITED = {"audit_entry", "audit_head", "alembic_version"}


# ---- writing rows against a revision's own tables --------------------------------------------------
class _Writer:
    """Inserts rows (with the audit entries the unit of work would write) into the reflected tables."""

    def __init__(self, conn, revision: str) -> None:
        from sqlalchemy import MetaData

        self.conn = conn
        self.revision = revision
        self.meta = MetaData()
        self.meta.reflect(conn)
        self.clock = _STARTED
        self.next_id: dict[str, int] = {}

    def since(self, revision: str) -> bool:
        return self.revision >= revision

    def of_branch(self, branch_id: int) -> dict[str, int]:
        """A branch setting's branch (the column exists from 0007 on; before, settings had none)."""
        return {"branch_id": branch_id} if self.since("0007") else {}

    def _tick(self) -> dt.datetime:
        self.clock += dt.timedelta(minutes=7)
        return self.clock

    def _stamp(self, value: dt.datetime) -> dt.datetime:
        return value.astimezone(dt.UTC).replace(tzinfo=None) if self.conn.dialect.name == "sqlite" else value

    def _complete(self, table, values: dict[str, Any], now: dt.datetime) -> dict[str, Any]:
        from sqlalchemy import Boolean, String, Text

        unknown = set(values) - set(table.c.keys())
        if unknown:
            raise ValueError(f"{table.name} has no column {sorted(unknown)} at revision {self.revision}")
        row = dict(values)
        for column in table.c:
            if column.name in row or column.nullable or column.primary_key:
                continue
            if column.name in ("created_at", "updated_at"):
                row[column.name] = self._stamp(now)
            elif isinstance(column.type, Boolean):
                row[column.name] = False
            elif isinstance(column.type, String | Text):
                row[column.name] = ""
        return row

    def insert(
        self,
        operation: str,
        table_name: str,
        *,
        by: str = "欧阳修",
        secret: tuple[str, ...] = (),
        **values: Any,
    ) -> int:
        table = self.meta.tables[table_name]
        now = self._tick()
        if "id" in table.c and "id" not in values:
            values["id"] = self.next_id.get(table_name, 1)
        self.next_id[table_name] = values.get("id", 0) + 1
        row = self._complete(table, values, now)
        self.conn.execute(table.insert(), [row])
        if table_name not in _NOT_AUDITED:
            changes = {
                key: [None, _plain(value)]
                for key, value in row.items()
                if key not in ("created_at", "updated_at") and not _empty(value)
            }
            for key in secret:  # as the unit of work hides password and recovery-code hashes
                changes[key] = [None, "〈已隐藏〉"]
            self._audit(now, by, operation, "insert", table_name, values.get("id"), changes)
        return values.get("id")

    def update(
        self, operation: str, table_name: str, row_id: int, *, by: str = "欧阳修", **values: Any
    ) -> None:
        from sqlalchemy import select

        table = self.meta.tables[table_name]
        now = self._tick()
        before = self.conn.execute(select(table).where(table.c.id == row_id)).mappings().one()
        if "updated_at" in table.c:
            values["updated_at"] = self._stamp(now)
        self.conn.execute(table.update().where(table.c.id == row_id).values(**values))
        changes = {
            key: [_plain(before[key]), _plain(value)]
            for key, value in values.items()
            if key != "updated_at" and before[key] != value
        }
        self._audit(now, by, operation, "update", table_name, row_id, changes)

    def _audit(self, now, user, operation, action, entity, entity_id, changes) -> None:
        entry = {
            "at": self._stamp(now),
            "user": user,
            "operation": operation,
            "action": action,
            "entity": entity,
            "entity_id": entity_id,
            "changes": json.dumps(changes, ensure_ascii=False, sort_keys=True),
        }
        if self.since("0005"):  # the audit chain: each entry hashed onto the previous one, the head kept
            from branchdesk.db.uow import GENESIS, entry_hash

            seq, prev = getattr(self, "_chain", (0, GENESIS))
            seq += 1
            entry["seq"], entry["prev_hash"] = seq, prev
            entry["hash"] = entry_hash(prev, seq, now, user, operation, action, entity, entity_id,
                                       entry["changes"])  # fmt: skip
            self._chain = (seq, entry["hash"])
            head = self.meta.tables["audit_head"]
            self.conn.execute(head.delete())
            self.conn.execute(head.insert(), [{"id": 1, "seq": seq, "hash": entry["hash"]}])
        self.conn.execute(self.meta.tables["audit_entry"].insert(), [entry])


def _plain(value: Any) -> Any:  # as the unit of work writes values into audit entries
    if isinstance(value, bytes | bytearray | memoryview):
        return "〈二进制数据〉"
    if isinstance(value, dt.datetime):
        return value.isoformat(timespec="seconds")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    return value


def _empty(value: Any) -> bool:
    return value is None or value is False or value == ""


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


# ---- the branch -------------------------------------------------------------------------------------
def fill(conn, revision: str) -> None:
    """Write the branch into a database at `revision` (a connection inside a transaction)."""
    w = _Writer(conn, revision)
    _fill_members(w)
    if w.since("0003"):
        _fill_development(w)
    if w.since("0004"):
        _fill_meetings(w)
    if w.since("0006"):
        _fill_accounts(w)
    if w.since("0007"):
        _fill_branch_settings(w)
    if w.since("0009"):
        _fill_rules(w)
    if w.since("0010"):
        _fill_paper(w)
    if w.since("0011"):
        _fill_students(w)
    if w.since("0012"):
        _fill_dues(w)
    if w.since("0013"):
        _fill_activities(w)
    if w.since("0014"):
        _fill_date_precision(w)
    if w.since("0015"):
        _fill_branches(w)
    if w.since("0016"):
        _fill_readiness(w)
    if w.since("0017"):
        _fill_activist_precision(w)
    if w.since("0018"):
        _fill_appraisal_votes(w)
    if w.since("0008"):  # last: the rows above update the audit head
        # written here without the unit of work, like data of earlier programs: the trail is replayed
        # only after the baseline that the next start records (migration 0008)
        from sqlalchemy import text

        w.conn.execute(text("UPDATE audit_head SET baseline_pending = :yes WHERE id = 1"), {"yes": True})


def _fill_members(w: _Writer) -> None:
    from branchdesk.domain.pinyin import name_pinyin

    w.insert(
        "新建支部", "branch", name=BRANCH_NAME, founded_on=dt.date(1999, 7, 1), higher_committee=HIGHER,
        address="存档学院行政楼三层", committee_term_start=dt.date(2024, 1, 5),
        committee_term_end=dt.date(2027, 1, 4), notes="2024年1月换届选举产生本届支委会",
    )  # fmt: skip
    for order, name in enumerate(GROUPS, start=1):
        w.insert("新增党小组", "party_group", branch_id=1, name=name, sort_order=order)
    w.insert("修改设置：current_branch_id", "setting", key="current_branch_id", value=_json(1))
    posts = {
        "欧阳修": "书记",
        "区志强": "组织委员",
        "覃春梅": "宣传委员",
        "查文静": "纪检委员",
        "解晓东": "副书记",
    }
    for name, (id_number, sex, birth, member_type, joined, converted, group) in MEMBERS.items():
        initials, pinyin = name_pinyin(name)
        w.insert(
            "新增党员档案", "member", branch_id=1, group_id=None if group is None else group + 1,
            is_group_leader=name in ("区志强", "朴成浩"), name=name, name_initials=initials,
            name_pinyin=pinyin, id_number=id_number, sex=sex, ethnicity="朝鲜族" if name == "朴成浩" else "汉族",
            birth_date=birth, native_place="北京市东城区", education="大学本科" if birth.year > 1975 else "大专",
            degree="学士" if birth.year > 1975 else "", member_type=member_type, status="active",
            join_date=joined, conversion_date=converted,
            activist_date=dt.date(2023, 6, 15) if name == "曾小红" else None,
            sponsors="覃春梅、区志强" if name == "曾小红" else "",
            transferred_in_date=dt.date(2019, 5, 10) if name == "朴成浩" else None,
            work_start_date=dt.date(max(birth.year + 22, 1970), 9, 1), work_unit="存档学院",
            job="教师" if name != "解晓东" else "退休", post="副教授" if name == "欧阳修" else "",
            party_post=posts.get(name, ""), mobile="13912345678" if name == "单雄信" else f"1380000{MEMBER_ID[name]:04d}",
            landline="010-65120000" if name == "欧阳修" else "", address="北京市东城区东四十条1号",
            dues_basis_fen=850000 if name == "欧阳修" else None, dues_monthly_fen=12750 if name == "欧阳修" else None,
            dues_paid_to=dt.date(2026, 10, 31) if name == "欧阳修" else None,
            dossier_location="存档学院组织部档案室", photo=b"\x89PNG fixture photo" if name == "欧阳修" else None,
            notes="会计专业" if name == "马丽" else "",
        )  # fmt: skip
    ids = MEMBER_ID
    term = (dt.date(2024, 1, 5), dt.date(2027, 1, 4))
    for name, post in (("欧阳修", "secretary"), ("区志强", "organisation"), ("覃春梅", "propaganda"),
                       ("查文静", "discipline"), ("解晓东", "deputy")):  # fmt: skip
        w.insert("任命支部委员", "committee_member", branch_id=1, member_id=ids[name], post=post,
                 term_start=term[0], term_end=term[1])  # fmt: skip
    w.insert(
        "登记奖惩", "member_award", member_id=ids["欧阳修"], kind="award", date=dt.date(2021, 6, 28),
        title="优秀共产党员", issuer=HIGHER, level="校级",
    )  # fmt: skip
    w.insert(
        "登记奖惩", "member_award", member_id=ids["覃春梅"], kind="award", date=dt.date(2023, 6, 30),
        title="优秀党务工作者", issuer=HIGHER, level="校级", notes="负责支部宣传工作成绩突出",
    )  # fmt: skip
    w.insert(
        "登记奖惩", "member_award", member_id=ids["朴成浩"], kind="punishment", date=dt.date(2020, 11, 5),
        title="党内警告", issuer="存档学院纪委", level="校级", notes="违反工作纪律",
    )  # fmt: skip
    # status history: a transfer out with its letter, a death (and the seat it ended)
    for name, status, on, reason, letter in (
        ("解晓东", "deceased", dt.date(2024, 2, 10), "病故", ("", "", None)),
        ("单雄信", "transferred_out", dt.date(2025, 3, 1), "工作调动",
         ("京组转〔2025〕第031号", "北京市西城区某街道党工委", dt.date(2025, 4, 30))),
    ):  # fmt: skip
        label = {"deceased": "去世", "transferred_out": "已转出"}[status]
        w.insert(
            f"党籍状态变更：{label}", "member_status_change", member_id=ids[name], date=on, from_status="active",
            to_status=status, reason=reason, letter_no=letter[0], destination=letter[1],
            letter_valid_until=letter[2], return_slip_received=status == "transferred_out",
            recorded_at=w._stamp(w.clock),
        )  # fmt: skip
        w.update(
            f"党籍状态变更：{label}", "member", ids[name], status=status, status_date=on, status_reason=reason
        )
    w.update("支委离任", "committee_member", 5, ended_on=dt.date(2024, 2, 10))
    w.insert("新增支部荣誉", "branch_honour", branch_id=1, date=dt.date(2020, 7, 1), title="先进基层党组织",
             issuer=HIGHER, level="校级")  # fmt: skip


def _fill_development(w: _Writer) -> None:
    from branchdesk.domain.pinyin import name_pinyin

    ids = MEMBER_ID
    w.insert("修改发展党员规则设置", "setting", key="rules.publicity_working_days", value=_json(7),
             **w.of_branch(1))  # fmt: skip

    def dossier(operation: str, name: str, id_number: str, sex: str, birth: dt.date, **values) -> int:
        initials, pinyin = name_pinyin(name)
        defaults = {"political_review_passed": True, "pre_review_passed": True}
        return w.insert(
            operation, "dossier", branch_id=1, name=name, name_initials=initials, name_pinyin=pinyin,
            id_number=id_number, sex=sex, birth_date=birth, **{**defaults, **values},
        )  # fmt: skip

    def children(dossier_id: int, table: str, rows: list[dict], operation: str = "记录发展步骤") -> None:
        for position, row in enumerate(rows):
            if table != "dossier_checklist_item":
                row = {"position": position, **row}
            w.insert(operation, table, dossier_id=dossier_id, **row)

    def vote(dossier_id, kind, ordinal, meeting_date, expected, present, yes, no=0, abstain=0, written_yes=0):
        return w.insert(
            "记录发展步骤：支部大会讨论", "dossier_vote", dossier_id=dossier_id, kind=kind, ordinal=ordinal,
            meeting_date=meeting_date, expected=expected, present=present, yes=yes, no=no, abstain=abstain,
            written_yes=written_yes, written_no=0, written_abstain=0, written_before_meeting=written_yes > 0,
        )  # fmt: skip

    # 1. 曾小红: admitted on 2026-01-08, on probation; her member file is linked
    zeng = MEMBERS["曾小红"]
    dossier(
        "新建发展党员档案", "曾小红", zeng[0], zeng[1], zeng[2], member_id=ids["曾小红"],
        application_date=dt.date(2023, 3, 1), activist_date=dt.date(2023, 6, 15),
        activist_recommendation="members", activist_decided_by="committee",
        activist_publicity_start=dt.date(2023, 6, 5), activist_publicity_end=dt.date(2023, 6, 9),
        candidate_date=dt.date(2025, 7, 10), candidate_decided_by="committee",
        publicity_start=dt.date(2025, 7, 11), publicity_end=dt.date(2025, 7, 21),
        sponsors_date=dt.date(2025, 7, 25), political_review_date=dt.date(2025, 8, 20),
        political_review_conclusion="政治历史清白，现实表现良好，符合入党条件",
        training_start=dt.date(2025, 9, 8), training_end=dt.date(2025, 9, 12), training_days=5,
        training_hours=40, training_certificate="存档学院党校〔2025〕第12号",
        committee_review_date=dt.date(2025, 11, 20), pre_review_date=dt.date(2025, 12, 1),
        volunteer_form_number="2025-017", volunteer_form_date=dt.date(2025, 12, 5),
        admission_meeting_date=dt.date(2026, 1, 8), approval_date=dt.date(2026, 2, 10),
        assignment_date=dt.date(2026, 2, 12), oath_date=dt.date(2026, 3, 5), join_date=dt.date(2026, 1, 8),
    )  # fmt: skip
    children(DOSSIER_ZENG, "dossier_talk", [
        {"kind": "first", "date": dt.date(2023, 3, 20), "interviewers": _json(["欧阳修"]),
         "place": "支部办公室", "summary": "了解入党动机，介绍党的基本知识"},
        {"kind": "activist", "date": dt.date(2024, 3, 12), "interviewers": _json(["覃春梅", "区志强"]),
         "place": "支部办公室", "summary": "培养考察谈话"},
        {"kind": "higher", "date": dt.date(2026, 1, 20), "interviewers": _json(["存档学院党委组织员 王立"]),
         "place": "党委组织部", "summary": "入党前谈话"},
    ])  # fmt: skip
    children(DOSSIER_ZENG, "dossier_filing", [
        {"kind": "activist", "date": dt.date(2023, 6, 20), "recipient": HIGHER, "number": "积备〔2023〕08号"},
        {"kind": "candidate", "date": dt.date(2025, 7, 24), "recipient": HIGHER, "number": "发备〔2025〕05号"},
        {"kind": "admission", "date": dt.date(2026, 2, 20), "recipient": "存档市委组织部", "number": "接备〔2026〕02号"},
    ])  # fmt: skip
    children(DOSSIER_ZENG, "dossier_contact", [
        {"name": "覃春梅", "full_member": True, "assigned_on": dt.date(2023, 6, 20), "member_id": ids["覃春梅"]},
        {"name": "区志强", "full_member": True, "assigned_on": dt.date(2023, 6, 20), "member_id": ids["区志强"]},
    ])  # fmt: skip
    children(DOSSIER_ZENG, "dossier_assessment", [
        {"date": on, "opinion": "学习认真，积极参加支部活动"}
        for on in (dt.date(2023, 12, 15), dt.date(2024, 6, 14), dt.date(2024, 12, 13), dt.date(2025, 6, 13))
    ])  # fmt: skip
    children(DOSSIER_ZENG, "dossier_thought_report", [
        {"date": on, "title": f"{on.year}年第{(on.month - 1) // 3 + 1}季度思想汇报"}
        for on in (dt.date(2023, 9, 28), dt.date(2023, 12, 27), dt.date(2024, 3, 28), dt.date(2026, 3, 30),
                   dt.date(2026, 6, 29), dt.date(2026, 9, 28))
    ])  # fmt: skip
    children(DOSSIER_ZENG, "dossier_sponsor", [
        {"name": "覃春梅", "full_member": True, "under_watch": False, "member_id": ids["覃春梅"]},
        {"name": "区志强", "full_member": True, "under_watch": False, "member_id": ids["区志强"]},
    ])  # fmt: skip
    children(DOSSIER_ZENG, "dossier_checklist_item", [
        {"item": item} for item in ("application", "talk_records", "activist_records", "thought_reports",
                                    "assessments", "candidate_records", "political_review",
                                    "training_certificate", "volunteer_form", "admission_meeting")
    ])  # fmt: skip
    # the vote of 2026-01-08: 7 voting members, 6 present, 6 yes, one written yes from 查文静 (away)
    vote(DOSSIER_ZENG, "admission", 0, dt.date(2026, 1, 8), 7, 6, 6, written_yes=1)

    # 2. 马丽: admitted 2022-06-28, probation extended by six months, converted 2023-12-28, archived
    ma = MEMBERS["马丽"]
    dossier(
        "导入发展党员工作台账", "马丽", ma[0], ma[1], ma[2], member_id=ids["马丽"],
        application_date=dt.date(2019, 9, 10), activist_date=dt.date(2020, 3, 20),
        activist_recommendation="mass_organisation", activist_decided_by="committee",
        candidate_date=dt.date(2021, 9, 15), candidate_decided_by="committee",
        publicity_start=dt.date(2021, 9, 16), publicity_end=dt.date(2021, 9, 24),
        sponsors_date=dt.date(2021, 9, 28), political_review_date=dt.date(2021, 11, 5),
        political_review_conclusion="政治审查合格", training_start=dt.date(2021, 11, 15),
        training_end=dt.date(2021, 11, 19), training_days=5, training_hours=40,
        training_certificate="存档学院党校〔2021〕第30号", committee_review_date=dt.date(2022, 5, 30),
        pre_review_date=dt.date(2022, 6, 10), volunteer_form_number="2022-009",
        volunteer_form_date=dt.date(2022, 6, 15), admission_meeting_date=dt.date(2022, 6, 28),
        approval_date=dt.date(2022, 10, 12), approval_extension_reason="上级党委换届，审批会议推迟",
        assignment_date=dt.date(2022, 10, 14), oath_date=dt.date(2022, 10, 28), join_date=dt.date(2022, 6, 28),
        conversion_application_date=dt.date(2023, 6, 1), conversion_meeting_date=dt.date(2023, 12, 28),
        conversion_approval_date=dt.date(2024, 1, 20), full_member_date=dt.date(2023, 12, 28),
        archive_date=dt.date(2024, 1, 26), by="覃春梅",
    )  # fmt: skip
    children(DOSSIER_MA, "dossier_talk", [
        {"kind": "first", "date": dt.date(2019, 9, 25), "interviewers": _json(["欧阳修", "区志强"]),
         "place": "支部办公室", "summary": ""},
        {"kind": "higher", "date": dt.date(2022, 7, 20), "interviewers": _json(["王立"]), "place": "",
         "summary": ""},
    ], "导入发展党员工作台账")  # fmt: skip
    children(DOSSIER_MA, "dossier_filing", [
        {"kind": "activist", "date": dt.date(2020, 3, 30), "recipient": HIGHER, "number": ""},
        {"kind": "candidate", "date": dt.date(2021, 9, 30), "recipient": HIGHER, "number": ""},
        {"kind": "admission", "date": dt.date(2022, 10, 25), "recipient": "存档市委组织部", "number": ""},
    ], "导入发展党员工作台账")  # fmt: skip
    children(DOSSIER_MA, "dossier_contact", [
        {"name": "查文静", "full_member": True, "assigned_on": dt.date(2020, 3, 25), "member_id": ids["查文静"]},
    ], "导入发展党员工作台账")  # fmt: skip
    children(DOSSIER_MA, "dossier_assessment", [
        {"date": on, "opinion": "表现良好"}
        for on in (dt.date(2020, 9, 18), dt.date(2021, 3, 19), dt.date(2021, 9, 10))
    ], "导入发展党员工作台账")  # fmt: skip
    children(DOSSIER_MA, "dossier_thought_report", [
        {"date": dt.date(2022, 9, 26), "title": "预备期思想汇报"},
    ], "导入发展党员工作台账")  # fmt: skip
    children(DOSSIER_MA, "dossier_sponsor", [
        {"name": "查文静", "full_member": True, "under_watch": False, "member_id": ids["查文静"]},
        {"name": "曾国华", "full_member": True, "under_watch": False, "member_id": ids["曾国华"]},
    ], "导入发展党员工作台账")  # fmt: skip
    children(DOSSIER_MA, "dossier_extension", [
        {"date": dt.date(2023, 6, 29), "months": 6, "reason": "理论学习不够扎实，延长预备期继续考察"},
    ], "导入发展党员工作台账")  # fmt: skip
    children(DOSSIER_MA, "dossier_checklist_item", [
        {"item": item} for item in ("application", "talk_records", "activist_records", "thought_reports",
                                    "assessments", "candidate_records", "political_review",
                                    "training_certificate", "volunteer_form", "admission_meeting",
                                    "conversion_application", "conversion_meeting")
    ], "导入发展党员工作台账")  # fmt: skip
    # voters then: the seven of today without 马丽 herself, plus 单雄信 and 解晓东 (before 2024)
    vote(DOSSIER_MA, "admission", 0, dt.date(2022, 6, 28), 8, 7, 7)
    vote(DOSSIER_MA, "extension", 0, dt.date(2023, 6, 29), 8, 7, 6, no=1)
    conversion = vote(DOSSIER_MA, "conversion", 0, dt.date(2023, 12, 28), 7, 6, 6)
    w.insert(
        "记录发展步骤：支部大会讨论", "dossier_vote_exclusion", vote_id=conversion, member_id=ids["单雄信"],
        name="单雄信", reason="在外地工作半年以上，未转组织关系",
    )  # fmt: skip
    w.insert(
        "记录发展步骤：上级党委审批", "dossier_override", dossier_id=DOSSIER_MA, step="approval",
        code="DEV-APPROVAL-3M", message="上级党委审批距支部大会讨论已超过3个月",
        reason="上级党委换届，审批会议推迟", user="覃春梅", at=w._stamp(w.clock),
    )  # fmt: skip

    # 3. 司马青: an activist being educated
    sima_id = "110105200305170545"
    dossier(
        "新建发展党员档案", "司马青", sima_id, "女", dt.date(2003, 5, 17), application_date=dt.date(2025, 9, 1),
        activist_date=dt.date(2026, 3, 10), activist_recommendation="mass_organisation",
        activist_decided_by="committee",
    )  # fmt: skip
    children(DOSSIER_SIMA, "dossier_talk", [
        {"kind": "first", "date": dt.date(2025, 9, 15), "interviewers": _json(["区志强"]),
         "place": "支部办公室", "summary": "谈入党动机"},
    ])  # fmt: skip
    children(DOSSIER_SIMA, "dossier_contact", [
        {"name": "马丽", "full_member": True, "assigned_on": dt.date(2026, 3, 15), "member_id": ids["马丽"]},
        {"name": "朴成浩", "full_member": True, "assigned_on": dt.date(2026, 3, 15), "member_id": ids["朴成浩"]},
    ])  # fmt: skip
    children(DOSSIER_SIMA, "dossier_assessment", [{"date": dt.date(2026, 9, 10), "opinion": "积极上进"}])
    children(
        DOSSIER_SIMA, "dossier_thought_report", [{"date": dt.date(2026, 6, 25), "title": "第二季度思想汇报"}]
    )
    children(DOSSIER_SIMA, "dossier_checklist_item", [{"item": "application"}])

    # 4. 朴志远: withdrew his application
    dossier(
        "新建发展党员档案", "朴志远", "110105200101230577", "男", dt.date(2001, 1, 23),
        application_date=dt.date(2024, 4, 1),
    )  # fmt: skip
    children(DOSSIER_PIAO, "dossier_talk", [
        {"kind": "first", "date": dt.date(2024, 4, 18), "interviewers": _json(["欧阳修"]),
         "place": "支部办公室", "summary": ""},
    ])  # fmt: skip
    w.update(
        "终止发展：本人撤回申请", "dossier", DOSSIER_PIAO, outcome="withdrawn", outcome_date=dt.date(2024, 10, 8),
        outcome_reason="本人出国留学，撤回入党申请",
    )  # fmt: skip


def _fill_meetings(w: _Writer) -> None:
    ids = MEMBER_ID
    w.insert("新增会议类型", "meeting_type", branch_id=1, name="廉政教育会", audience="branch", sort_order=1)

    def meeting(operation: str, **values) -> int:
        return w.insert(operation, "meeting", branch_id=1, mode="offline", audience="branch", **values)

    def attendance(meeting_id: int, rows: list[tuple[str, str, str]]) -> None:
        for position, (name, status, reason) in enumerate(rows):
            member_type = MEMBERS[name][3]
            w.insert(
                "保存会议记录", "meeting_attendance", meeting_id=meeting_id, position=position,
                member_id=ids[name], name=name, member_type=member_type, status=status, reason=reason,
                voter=member_type == "full",
            )  # fmt: skip

    sealed = w._stamp(dt.datetime(2026, 1, 9, 2, 0, tzinfo=dt.UTC))
    meeting(
        "保存会议记录", type="general", status="sealed", date=dt.date(2026, 1, 8), start_time=dt.time(14, 30),
        end_time=dt.time(16, 0), place="学院会议室201", chair="欧阳修", chair_member_id=ids["欧阳修"],
        recorder="覃春梅", recorder_member_id=ids["覃春梅"], theme="讨论接收曾小红同志为中共预备党员",
        discussion="介绍人介绍情况，与会党员充分讨论", decisions="同意接收曾小红同志为中共预备党员",
        sealed_at=sealed, sealed_by="欧阳修",
    )  # fmt: skip
    attendance(MEETING_ADMISSION, [
        (name, "leave", "出差（会前已提交书面意见）") if name == "查文静" else (name, "present", "")
        for name in VOTERS
    ])  # fmt: skip
    w.insert("保存会议记录", "meeting_observer", meeting_id=MEETING_ADMISSION, position=0, name="曾小红",
             role="发展对象", dossier_id=DOSSIER_ZENG)  # fmt: skip
    w.insert(
        "保存会议记录", "agenda_item", meeting_id=MEETING_ADMISSION, position=0,
        title="讨论接收曾小红同志为中共预备党员", decision="同意接收", vote_kind="admission", expected=7,
        present=6, yes=6, no=0, abstain=0, written_yes=1, written_no=0, written_abstain=0,
        written_before_meeting=True, dossier_id=DOSSIER_ZENG,
    )  # fmt: skip
    w.update("记录表决", "dossier_vote", 1, meeting_id=MEETING_ADMISSION)  # 曾小红's admission vote
    w.insert(
        "补充更正会议记录", "meeting_amendment", meeting_id=MEETING_ADMISSION, date=dt.date(2026, 1, 15),
        reason="更正记录中的笔误", text="第二项“学院会议室102”应为“学院会议室201”。", user="覃春梅",
        at=w._stamp(dt.datetime(2026, 1, 15, 3, 0, tzinfo=dt.UTC)),
    )  # fmt: skip
    w.insert(
        "添加会议附件", "meeting_attachment", meeting_id=MEETING_ADMISSION, file_name="支部党员大会签到表.pdf",
        sha256=hashlib.sha256(SIGN_IN_SHEET).hexdigest(), size=len(SIGN_IN_SHEET), content=SIGN_IN_SHEET,
        note="签到表扫描件", added_by="覃春梅", added_at=w._stamp(dt.datetime(2026, 1, 9, 3, 0, tzinfo=dt.UTC)),
    )  # fmt: skip

    year_end = dt.date(2025, 12, 26)
    meeting(
        "保存会议记录", type="appraisal", status="sealed", date=year_end, start_time=dt.time(14, 0),
        end_time=dt.time(17, 0), place="学院会议室201", chair="欧阳修", chair_member_id=ids["欧阳修"],
        recorder="覃春梅", recorder_member_id=ids["覃春梅"], theme="2025年度民主评议党员",
        sealed_at=w._stamp(dt.datetime(2025, 12, 29, 2, 0, tzinfo=dt.UTC)), sealed_by="欧阳修",
    )  # fmt: skip
    attendance(MEETING_APPRAISAL, [(name, "present", "") for name in VOTERS])
    for name in VOTERS:
        grade = "excellent" if name in ("欧阳修", "覃春梅") else "qualified"
        w.insert("保存会议记录", "appraisal_grade", meeting_id=MEETING_APPRAISAL, member_id=ids[name], name=name,
                 grade=grade)  # fmt: skip
    meeting(
        "保存会议记录", type="org_life", status="sealed", date=year_end, start_time=dt.time(9, 0),
        end_time=dt.time(11, 30), place="学院会议室201", chair="欧阳修", chair_member_id=ids["欧阳修"],
        recorder="覃春梅", recorder_member_id=ids["覃春梅"], theme="2025年度组织生活会",
        discussion="开展批评和自我批评", sealed_at=w._stamp(dt.datetime(2025, 12, 29, 2, 5, tzinfo=dt.UTC)),
        sealed_by="欧阳修",
    )  # fmt: skip
    attendance(MEETING_ORG_LIFE, [(name, "present", "") for name in VOTERS])
    w.insert(
        "保存会议记录", "remediation_item", meeting_id=MEETING_ORG_LIFE, position=0, problem="理论学习不够系统",
        measure="每月第一周集中学习一次", owner="覃春梅", due=dt.date(2026, 6, 30), done_on=dt.date(2026, 6, 20),
    )  # fmt: skip
    w.insert(
        "保存会议记录", "remediation_item", meeting_id=MEETING_ORG_LIFE, position=1, problem="联系群众不够密切",
        measure="每名党员联系两名群众", owner="区志强", due=dt.date(2026, 12, 31),
    )  # fmt: skip
    meeting("保存会议记录", type="talks", status="sealed", date=dt.date(2025, 12, 15), theme="组织生活会前谈心谈话",
            sealed_at=w._stamp(dt.datetime(2025, 12, 16, 2, 0, tzinfo=dt.UTC)), sealed_by="欧阳修")  # fmt: skip
    for position, other in enumerate(("区志强", "覃春梅")):
        w.insert(
            "保存会议记录", "talk_pair", meeting_id=MEETING_TALKS, position=position, first="欧阳修", second=other,
            first_member_id=ids["欧阳修"], second_member_id=ids[other], date=dt.date(2025, 12, 15),
            summary="交流思想，互相提醒",
        )  # fmt: skip
    w.insert(
        "保存会议记录", "meeting", branch_id=1, type="committee", status="draft", date=dt.date(2026, 10, 12),
        start_time=dt.time(12, 30), mode="offline", place="支部办公室", chair="欧阳修",
        chair_member_id=ids["欧阳修"], recorder="区志强", recorder_member_id=ids["区志强"], audience="committee",
        theme="研究第四季度发展党员工作",
    )  # fmt: skip
    attendance(
        MEETING_COMMITTEE, [(name, "present", "") for name in ("欧阳修", "区志强", "覃春梅", "查文静")]
    )
    meeting("新建会议计划", type="custom", custom_type_id=1, custom_type_name="廉政教育会", status="planned",
            date=dt.date(2026, 12, 10), place="学院报告厅", lecturer="存档学院纪委书记")  # fmt: skip


# ---- reading it back ---------------------------------------------------------------------------------
def counts(conn) -> dict[str, int]:
    """Rows per table (every table but alembic_version)."""
    from sqlalchemy import inspect, text

    return {
        name: conn.execute(text(f'SELECT count(*) FROM "{name}"')).scalar_one()
        for name in sorted(inspect(conn).get_table_names())
        if name != "alembic_version"
    }


def check(db, revision: str) -> None:
    """Assert that a database (possibly upgraded since) still holds everything `fill` wrote at `revision`."""
    _check_members(db)
    if revision >= "0003":
        _check_development(db)
    if revision >= "0004":
        _check_meetings(db)
    _check_settings(db, revision)
    if revision >= "0009":
        _check_rules(db)
    if revision >= "0004":
        _check_record_years(db)
    _check_students(db, revision)
    _check_dues(db, revision)
    if revision >= "0013":
        _check_activities(db)
    _check_date_precision(db, revision)
    if revision >= "0004":
        _check_appraisal_votes(db, revision)
    if revision >= "0015":
        _check_branches(db)
    if revision >= "0016":
        _check_readiness(db)
    check_accounts(db, stored=revision >= "0006")  # last: signing in writes the login time


def _check_members(db) -> None:
    from branchdesk.services.members import MemberQuery

    branch = Workspace.open(db).branch
    members = Workspace.open(db).members
    profile = branch.profile()
    assert (profile.name, profile.founded_on, profile.higher_committee) == (
        BRANCH_NAME,
        dt.date(1999, 7, 1),
        HIGHER,
    )
    assert (profile.committee_term_start, profile.committee_term_end) == (
        dt.date(2024, 1, 5),
        dt.date(2027, 1, 4),
    )
    assert [g.name for g in branch.groups()] == list(GROUPS)
    everyone = {r.name: r for r in members.records(MemberQuery(statuses=None))}
    assert set(everyone) == set(MEMBERS)
    for name, (id_number, sex, birth, member_type, joined, converted, group) in MEMBERS.items():
        record = everyone[name]
        assert record.id == MEMBER_ID[name]
        assert (record.id_number, record.sex, record.birth_date) == (id_number, sex, birth), name
        assert (record.member_type, record.join_date, record.conversion_date) == (
            member_type,
            joined,
            converted,
        ), name
        assert record.group_name == ("" if group is None else GROUPS[group]), name
    ouyang = everyone["欧阳修"]
    assert (ouyang.mobile, ouyang.landline, ouyang.party_post) == ("13800000001", "010-65120000", "书记")
    assert (ouyang.dues_basis_fen, ouyang.dues_monthly_fen, ouyang.dues_paid_to) == (
        850000,
        12750,
        dt.date(2026, 10, 31),
    )
    assert (ouyang.work_unit, ouyang.post, ouyang.education) == ("存档学院", "副教授", "大专")
    assert ouyang.updated_at is not None and ouyang.updated_at.tzinfo is not None
    piao = everyone["朴成浩"]
    assert (piao.ethnicity, piao.transferred_in_date, piao.is_group_leader) == (
        "朝鲜族",
        dt.date(2019, 5, 10),
        True,
    )
    assert everyone["曾小红"].sponsors == "覃春梅、区志强"
    assert everyone["单雄信"].mobile == "13912345678"
    assert (everyone["单雄信"].status, everyone["单雄信"].status_date) == (
        "transferred_out",
        dt.date(2025, 3, 1),
    )
    assert everyone["解晓东"].status == "deceased"
    assert [r.name for r in members.records(MemberQuery())] == ON_ROSTER
    assert members.search_ids(MemberQuery(text="oyx")) == [MEMBER_ID["欧阳修"]]
    assert members.search_ids(MemberQuery(text="ozq")) == [MEMBER_ID["区志强"]]  # 区 as a surname reads Ōu
    assert [(s.member_name, s.post) for s in branch.committee()] == [
        ("欧阳修", "secretary"), ("区志强", "organisation"), ("覃春梅", "propaganda"), ("查文静", "discipline"),
    ]  # fmt: skip
    ended = [s for s in branch.committee(include_ended=True) if s.ended_on]
    assert [(s.member_name, s.post, s.ended_on) for s in ended] == [
        ("解晓东", "deputy", dt.date(2024, 2, 10))
    ]
    assert [(a.kind, a.title) for a in members.awards(MEMBER_ID["欧阳修"])] == [("award", "优秀共产党员")]
    punishment = members.awards(MEMBER_ID["朴成浩"])
    assert [(a.kind, a.title, a.issuer, a.date) for a in punishment] == [
        ("punishment", "党内警告", "存档学院纪委", dt.date(2020, 11, 5))
    ]
    (transfer,) = members.status_history(MEMBER_ID["单雄信"])
    assert (transfer.from_status, transfer.to_status, transfer.reason) == (
        "active",
        "transferred_out",
        "工作调动",
    )
    assert (transfer.letter_no, transfer.letter_valid_until) == (
        "京组转〔2025〕第031号",
        dt.date(2025, 4, 30),
    )
    assert [c.to_status for c in members.status_history(MEMBER_ID["解晓东"])] == ["deceased"]
    assert [h.title for h in branch.honours()] == ["先进基层党组织"]
    _check_audit(db)


def _check_audit(db) -> None:
    """Every member row still has the audit entry of its creation, with the values it was created with."""
    from sqlalchemy import text

    with db.read() as session:
        rows = session.execute(
            text("SELECT entity_id, changes FROM audit_entry WHERE entity = 'member' AND action = 'insert'")
        ).all()
        photo = session.execute(text("SELECT photo FROM member WHERE name = '欧阳修'")).scalar_one()
    assert bytes(photo) == b"\x89PNG fixture photo"
    created = {entity_id: json.loads(changes) for entity_id, changes in rows}
    assert sorted(created) == sorted(MEMBER_ID.values())
    assert created[MEMBER_ID["马丽"]]["id_number"] == [None, MEMBERS["马丽"][0]]


def _check_development(db) -> None:
    from branchdesk.domain.development import DecisionBody, Outcome, Recommendation, TalkKind

    service = Workspace.open(db).development
    assert [d.person.name for d in service.all()] == ["曾小红", "马丽", "司马青", "朴志远"]
    zeng = service.get(DOSSIER_ZENG)
    assert service.member_id(DOSSIER_ZENG) == MEMBER_ID["曾小红"]
    assert (zeng.application_date, zeng.activist_date, zeng.candidate_date) == (
        dt.date(2023, 3, 1), dt.date(2023, 6, 15), dt.date(2025, 7, 10),
    )  # fmt: skip
    assert (zeng.activist_recommendation, zeng.activist_decided_by) == (
        Recommendation.MEMBERS,
        DecisionBody.COMMITTEE,
    )
    assert (zeng.publicity.start, zeng.publicity.end) == (dt.date(2025, 7, 11), dt.date(2025, 7, 21))
    assert [(t.kind, t.date, t.interviewers) for t in zeng.talks] == [
        (TalkKind.FIRST, dt.date(2023, 3, 20), ("欧阳修",)),
        (TalkKind.ACTIVIST, dt.date(2024, 3, 12), ("覃春梅", "区志强")),
        (TalkKind.HIGHER, dt.date(2026, 1, 20), ("存档学院党委组织员 王立",)),
    ]
    assert [s.name for s in zeng.sponsors] == ["覃春梅", "区志强"]
    assert [c.member_id for c in zeng.contacts] == [MEMBER_ID["覃春梅"], MEMBER_ID["区志强"]]
    assert len(zeng.assessments) == 4 and len(zeng.thought_reports) == 6 and len(zeng.filings) == 3
    assert zeng.political_review.passed and zeng.political_review.date == dt.date(2025, 8, 20)
    assert (zeng.training.days, zeng.training.hours) == (5, 40)
    assert zeng.pre_review.date == dt.date(2025, 12, 1) and zeng.volunteer_form_number == "2025-017"
    assert (zeng.admission_meeting_date, zeng.approval.date, zeng.oath_date) == (
        dt.date(2026, 1, 8), dt.date(2026, 2, 10), dt.date(2026, 3, 5),
    )  # fmt: skip
    vote = zeng.admission_vote
    assert (vote.expected, vote.present, vote.yes, vote.no, vote.abstain) == (7, 6, 6, 0, 0)
    assert (vote.written_yes, vote.written_before_meeting) == (1, True)
    assert zeng.conversion_vote is None and len(zeng.checklist) == 10

    ma = service.get(DOSSIER_MA)
    (extension,) = ma.extensions
    assert (extension.date, extension.months, extension.vote.no) == (dt.date(2023, 6, 29), 6, 1)
    assert (ma.conversion_vote.expected, ma.conversion_vote.yes) == (7, 6)
    assert ma.full_member_date == dt.date(2023, 12, 28) and ma.archive_date == dt.date(2024, 1, 26)
    assert ma.approval.extension_reason == "上级党委换届，审批会议推迟"
    excluded = service.exclusions(DOSSIER_MA)
    assert [(e.name, e.member_id) for votes in excluded.values() for e in votes] == [
        ("单雄信", MEMBER_ID["单雄信"])
    ]
    assert [(o.code, o.reason) for o in service.overrides(DOSSIER_MA)] == [
        ("DEV-APPROVAL-3M", "上级党委换届，审批会议推迟")
    ]
    piao = service.get(DOSSIER_PIAO)
    assert (piao.outcome, piao.outcome_date) == (Outcome.WITHDRAWN, dt.date(2024, 10, 8))
    assert service.rule_settings().publicity_working_days == 7


def _check_meetings(db) -> None:
    from sqlalchemy import text

    with db.read() as session:

        def rows(sql: str, **params):
            return [tuple(r) for r in session.execute(text(sql), params)]

        assert rows("SELECT id, type, status, date FROM meeting ORDER BY id") == [
            (MEETING_ADMISSION, "general", "sealed", _date(session, "2026-01-08")),
            (MEETING_APPRAISAL, "appraisal", "sealed", _date(session, "2025-12-26")),
            (MEETING_ORG_LIFE, "org_life", "sealed", _date(session, "2025-12-26")),
            (MEETING_TALKS, "talks", "sealed", _date(session, "2025-12-15")),
            (MEETING_COMMITTEE, "committee", "draft", _date(session, "2026-10-12")),
            (MEETING_PLANNED, "custom", "planned", _date(session, "2026-12-10")),
        ]
        attendance = rows(
            "SELECT name, status, voter, member_id FROM meeting_attendance WHERE meeting_id = :m ORDER BY position",
            m=MEETING_ADMISSION,
        )
        assert [(n, s, bool(v), m) for n, s, v, m in attendance] == [
            (name, "leave" if name == "查文静" else "present", True, MEMBER_ID[name]) for name in VOTERS
        ]
        assert rows("SELECT meeting_id FROM dossier_vote WHERE dossier_id = :d AND kind = 'admission'",
                    d=DOSSIER_ZENG) == [(MEETING_ADMISSION,)]  # fmt: skip
        assert (
            rows("SELECT meeting_id FROM dossier_vote WHERE dossier_id = :d", d=DOSSIER_MA) == [(None,)] * 3
        )
        assert rows("SELECT dossier_id, expected, present, yes, written_yes FROM agenda_item") == [
            (DOSSIER_ZENG, 7, 6, 6, 1)
        ]
        assert rows("SELECT name, dossier_id FROM meeting_observer") == [("曾小红", DOSSIER_ZENG)]
        ((file_name, sha, size, content),) = rows(
            "SELECT file_name, sha256, size, content FROM meeting_attachment"
        )
        assert (file_name, size, bytes(content)) == (
            "支部党员大会签到表.pdf",
            len(SIGN_IN_SHEET),
            SIGN_IN_SHEET,
        )
        assert sha == hashlib.sha256(bytes(content)).hexdigest()
        assert rows('SELECT reason, "user" FROM meeting_amendment') == [("更正记录中的笔误", "覃春梅")]
        grades = dict(
            rows("SELECT name, grade FROM appraisal_grade WHERE meeting_id = :m", m=MEETING_APPRAISAL)
        )
        assert grades == {
            name: "excellent" if name in ("欧阳修", "覃春梅") else "qualified" for name in VOTERS
        }
        assert (
            len(rows("SELECT id FROM remediation_item")) == 2 and len(rows("SELECT id FROM talk_pair")) == 2
        )
        assert rows("SELECT custom_type_name FROM meeting WHERE custom_type_id = 1") == [("廉政教育会",)]


def _date(session, iso: str):
    """A date as the driver returns it (SQLite: text; PostgreSQL: a date)."""
    return iso if session.get_bind().dialect.name == "sqlite" else dt.date.fromisoformat(iso)


# ---- making and copying stored databases -------------------------------------------------------------
# Accounts (schema 0005 on): username -> (display name, role, password). The administrator is created
# first, with the recovery code; the others get a first password they must change.
ACCOUNTS = {
    "shuji": ("欧阳修", "admin", "Cundang-2026"),
    "weiyuan": ("单雄信", "committee", "Weiyuan-2026"),
    "chayue": ("检查组", "viewer", "Chayue-2026"),
}
IDLE_LOCK_MINUTES = 5


RECOVERY_CODE = "K7QM-4XHT-9WRE-2PLN-6DVA"


# ---- branch settings (0007) ------------------------------------------------------------------------
TRAINING_MIN_HOURS = 40  # a rule setting stored with the branch (0007 on)


def _fill_branch_settings(w: _Writer) -> None:
    w.insert("修改发展党员规则设置", "setting", key="rules.training_min_hours", value=_json(TRAINING_MIN_HOURS),
             **w.of_branch(1))  # fmt: skip


def _check_settings(db, revision: str) -> None:
    """Every setting of the one-branch database is where revision 0007 put it: the branch's own settings
    with the branch, the account policy and the branch last used database-wide; and they read as before."""
    from sqlalchemy import text

    with db.read() as session:
        stored = dict(session.execute(text("SELECT key, branch_id FROM setting")).all())
    expected = {"current_branch_id": None}
    if revision >= "0003":
        expected["rules.publicity_working_days"] = 1
    if revision >= "0006":
        expected["auth.idle_lock_minutes"] = None
    if revision >= "0007":
        expected["rules.training_min_hours"] = 1
    assert stored == expected
    ws = Workspace.open(db)
    assert ws.settings.get("current_branch_id") == 1
    rules = ws.development.rule_settings()
    assert rules.publicity_working_days == (7 if revision >= "0003" else 5)
    if revision >= "0007":
        assert rules.training_min_hours == TRAINING_MIN_HOURS


def _fill_date_precision(w: _Writer) -> None:
    """0014: dates as precise as the paper: a founding year, a month-precise 入党时间 and 参加工作时间."""
    w.update("保存支部信息", "branch", 1, founded_on_precision="month")  # 1999-07-01: "1999年7月"
    w.update("修改党员档案", "member", MEMBER_ID["马丽"], work_start_date=dt.date(2018, 9, 1),
             work_start_date_precision="month")  # fmt: skip
    w.update(
        "修改发展档案", "dossier", DOSSIER_SIMA, birth_date=dt.date(2003, 5, 1), birth_date_precision="month"
    )


def _fill_activist_precision(w: _Writer) -> None:
    """0017: a dossier's 确定积极分子 known to the month only."""
    w.update("修改发展档案", "dossier", DOSSIER_SIMA, activist_date=dt.date(2026, 3, 1),
             activist_date_precision="month")  # fmt: skip


APPRAISAL_VOTES = (6, 1, 0, 0)  # 0018: 欧阳修's 民主测评 votes (优秀, 合格, 基本合格, 不合格)
REMEDIATION_EVIDENCE = "集中学习签到表（2026年1—6月）、学习笔记"


def _fill_appraisal_votes(w: _Writer) -> None:
    """0018: the 民主测评 votes of one grade (欧阳修's, the first row) and the evidence of the finished
    整改 item (the first)."""
    w.update("保存会议记录", "appraisal_grade", 1, **dict(zip(
        ("votes_excellent", "votes_qualified", "votes_basic", "votes_unqualified"), APPRAISAL_VOTES, strict=True)))  # fmt: skip
    w.update("保存会议记录", "remediation_item", 1, evidence=REMEDIATION_EVIDENCE)


def _check_appraisal_votes(db, revision: str) -> None:
    """Grades and 整改 items stored before 0018 have no votes and no evidence; those of 0018 keep theirs."""
    ws = Workspace.open(db)
    appraisal = ws.meetings.get(MEETING_APPRAISAL)
    votes = {g.name: g.votes for g in appraisal.grades}
    items = ws.meetings.get(MEETING_ORG_LIFE).remediation
    if revision < "0018":
        assert set(votes.values()) == {None}
        assert {x.evidence for x in items} == {""}
        return
    assert votes["欧阳修"] == APPRAISAL_VOTES and votes["区志强"] is None
    assert [x.evidence for x in items] == [REMEDIATION_EVIDENCE, ""]


def _check_date_precision(db, revision: str) -> None:
    """Dates stored before 0014 are exact days; those written at 0014 keep their precision."""
    ws = Workspace.open(db)
    profile = ws.branch.profile()
    ma = ws.members.get(MEMBER_ID["马丽"])
    if revision < "0014":
        assert profile.founded_on_precision == "day"
        assert ma.date_text("birth_date") == "1996年4月2日"
        assert {getattr(ma, f"{n}_precision") for n in ("birth_date", "join_date", "conversion_date")} == {
            "day"
        }
        return
    assert (profile.founded_on, profile.founded_on_precision) == (dt.date(1999, 7, 1), "month")
    assert ma.date_text("work_start_date") == "2018年9月"
    sima = ws.development.get(DOSSIER_SIMA)
    assert sima.person.birth_precision == "month"
    if revision < "0017":
        assert (sima.activist_date, sima.activist_date_precision) == (dt.date(2026, 3, 10), "day")
    else:
        assert (sima.activist_date, sima.activist_date_precision) == (dt.date(2026, 3, 1), "month")


def _fill_rules(w: _Writer) -> None:
    """0009: the start date, a dated setting change, a year's holidays, approvals, outside sponsors, exclusions."""
    w.update("设置本支部开始记录的日期", "branch", 1, records_since=dt.date(2025, 1, 1))
    w.insert("修改规则设置（自2026年1月1日起）", "rule_setting_change", branch_id=1, name="training_min_days",
             value="5", effective_from=dt.date(2026, 1, 1), changed_at=w._stamp(w._tick()), changed_by="欧阳修")  # fmt: skip
    w.insert("录入2027年节假日安排", "holiday_day", day=dt.date(2027, 1, 1), kind="holiday", note="元旦")
    w.insert(
        "录入2027年节假日安排", "holiday_day", day=dt.date(2027, 2, 6), kind="workday", note="春节调休上班"
    )
    w.update("记录发展步骤：上级党委审批", "dossier", DOSSIER_ZENG, approval_reported_on=dt.date(2026, 1, 15),
             approval_by="存档学院党委", expected_leave_date=dt.date(2027, 6, 30))  # fmt: skip


SECOND_BRANCH = "存档学院学生党支部"


def _fill_branches(w: _Writer) -> None:
    """0015: a second branch (the first stays the one last used: setting current_branch_id), the committee member made 管理员 of
    it, and 朴成浩's transfer in with its letter."""
    w.insert("新建支部：" + SECOND_BRANCH, "branch", id=2, name=SECOND_BRANCH, higher_committee="存档学院党委",
             founded_on=dt.date(2015, 9, 1))  # fmt: skip
    w.insert("设置支部角色为管理员", "account_branch_role", account_id=2, branch_id=2, role="admin")
    w.insert("组织关系转入", "member_transfer", member_id=MEMBER_ID["朴成浩"], kind="in", date=dt.date(2019, 5, 10),
             to_branch_id=1, origin="延边大学党委", letter_no="延组转〔2019〕17号",
             letter_valid_until=dt.date(2019, 6, 10), return_slip_on=dt.date(2019, 5, 20), reason="工作调动",
             recorded_at=w._stamp(w._tick()))  # fmt: skip


def _check_branches(db) -> None:
    ws = Workspace.open(db)
    assert [b.name for b in ws.branch.all_branches()][1] == SECOND_BRANCH
    assert ws.branch_id == 1, "the branch last used opens"
    [transfer] = ws.transfers.of_member(MEMBER_ID["朴成浩"])
    assert (transfer.kind, transfer.origin, transfer.letter_no, transfer.return_slip_on) == (
        "in",
        "延边大学党委",
        "延组转〔2019〕17号",
        dt.date(2019, 5, 20),
    )
    weiyuan = next(a for a in ws.auth.accounts() if a.username == "weiyuan")
    assert (weiyuan.role.value, weiyuan.role_on(1).value, weiyuan.role_on(2).value) == (
        "committee",
        "committee",
        "admin",
    )


def _check_rules(db) -> None:
    from sqlalchemy import text

    ws = Workspace.open(db)
    assert ws.meetings.records_since() == dt.date(2025, 1, 1)
    [change] = ws.rule_settings.history()
    assert (change.name, change.value, change.effective_from) == (
        "training_min_days",
        "5",
        dt.date(2026, 1, 1),
    )
    assert ws.holidays.days(2027) == [
        (dt.date(2027, 1, 1), "holiday", "元旦"), (dt.date(2027, 2, 6), "workday", "春节调休上班")
    ]  # fmt: skip
    zeng = ws.development.get(DOSSIER_ZENG)
    assert (zeng.approval.reported_on, zeng.approval.by) == (dt.date(2026, 1, 15), "存档学院党委")
    assert zeng.expected_leave_date == dt.date(2027, 6, 30)
    with db.read() as session:
        assert session.execute(text("SELECT count(*) FROM dossier_sponsor WHERE outside")).scalar_one() == 0


def _fill_paper(w: _Writer) -> None:
    """0010: the year the annual records belong to (所属年度), as the meeting editor stores it."""
    w.update("保存会议记录", "meeting", MEETING_APPRAISAL, for_year=2025)
    w.update("保存会议记录", "meeting", MEETING_ORG_LIFE, for_year=2025)


def _check_record_years(db) -> None:
    """The annual records belong to 2025 (held in December 2025; stored by 0010, or the upgrade's
    default), the others to the year they were held."""
    ws = Workspace.open(db)
    years = {m.id: (m.for_year, m.record_year) for m in ws.meetings.all()}
    assert years[MEETING_APPRAISAL] == (2025, 2025)
    assert years[MEETING_ORG_LIFE] == (2025, 2025)
    assert years[MEETING_TALKS] == (None, 2025)
    assert years[MEETING_ADMISSION] == (None, 2026)


def _fill_students(w: _Writer) -> None:
    """0011: 人员身份 and the student fields of a member (a probationary member who is a student)."""
    w.update("修改党员档案", "member", MEMBER_ID["曾小红"], person_category="student",
             student_number="2022010203", grade="2022级", class_name="护理2201班", major="护理学")  # fmt: skip
    w.update("修改党员档案", "member", MEMBER_ID["欧阳修"], person_category="teacher")


def _check_students(db, revision: str) -> None:
    from branchdesk.services.members import MemberQuery

    members = Workspace.open(db).members
    zeng, ouyang = members.get(MEMBER_ID["曾小红"]), members.get(MEMBER_ID["欧阳修"])
    if revision >= "0011":
        assert (zeng.person_category, zeng.student_number, zeng.grade, zeng.class_name, zeng.major) == (
            "student", "2022010203", "2022级", "护理2201班", "护理学"
        )  # fmt: skip
        assert ouyang.person_category == "teacher"
        assert members.search_ids(MemberQuery(text="护理2201")) == [MEMBER_ID["曾小红"]]
    else:  # upgraded: nothing recorded yet
        assert (zeng.person_category, zeng.student_number, zeng.class_name) == ("", "", "")


def _fill_dues(w: _Writer) -> None:
    """0012: what the upgrade makes of 欧阳修's "paid up to" (January–October 2026, converted), the year's
    assessments, a payment of three months, a remittance with its receipt, a member paying elsewhere."""
    ouyang, qu, piao = MEMBER_ID["欧阳修"], MEMBER_ID["区志强"], MEMBER_ID["朴成浩"]
    w.insert("党费年度核定：2026年", "dues_assessment", branch_id=1, member_id=ouyang, year=2026, from_month=1,
             category="employed", basis_fen=850000, rate_bp=150, computed_fen=12750, amount_fen=12750,
             notes="由升级前的月缴党费折算")  # fmt: skip
    for month in range(1, 11):
        pid = w.insert("升级：党费交至折算为缴纳记录", "dues_payment", branch_id=1, member_id=ouyang,
                       paid_on=dt.date(2026, month, 1), amount_fen=12750, converted=True,
                       notes="由升级前的“党费交至”记录折算", created_at=w._stamp(w._tick()))  # fmt: skip
        w.insert("升级：党费交至折算为缴纳记录", "dues_payment_month", payment_id=pid, member_id=ouyang,
                 month=dt.date(2026, month, 1), amount_fen=12750)  # fmt: skip
    w.insert("党费年度核定：2026年", "dues_assessment", branch_id=1, member_id=qu, year=2026, from_month=1,
             category="employed", basis_fen=620000, rate_bp=150, computed_fen=9300, amount_fen=10000,
             override_reason="本人自愿多交", notes="")  # fmt: skip
    pid = w.insert("登记党费缴纳", "dues_payment", branch_id=1, member_id=qu, paid_on=dt.date(2026, 4, 3),
                   amount_fen=30000, collector="覃春梅", converted=False, created_at=w._stamp(w._tick()))  # fmt: skip
    for month in (1, 2, 3):
        w.insert("登记党费缴纳", "dues_payment_month", payment_id=pid, member_id=qu,
                 month=dt.date(2026, month, 1), amount_fen=10000)  # fmt: skip
    w.insert("登记党费上缴", "dues_remittance", branch_id=1, remitted_on=dt.date(2026, 4, 10), amount_fen=30000,
             from_month=dt.date(2026, 1, 1), to_month=dt.date(2026, 3, 1), receipt_no="存档党费收据第0008号",
             recipient=HIGHER, handled_by="覃春梅")  # fmt: skip
    w.insert("登记党费在外地交纳", "dues_exemption", branch_id=1, member_id=piao, kind="elsewhere",
             from_month=dt.date(2026, 3, 1), reason="外出务工，在流入地党组织交纳", approved_by=HIGHER)  # fmt: skip


def _check_dues(db, revision: str) -> None:
    """欧阳修's "paid up to" 2026-10 at 127.50 a month is ten monthly payments (converted) and the year's
    assessment, whether the upgrade made them or the file had them; 0012's own rows read back."""
    ws = Workspace.open(db)
    ouyang = MEMBER_ID["欧阳修"]
    paid = ws.dues.payments(member_id=ouyang)
    assert [(p.paid_on, p.amount_fen, p.converted, len(p.months)) for p in paid] == [
        (dt.date(2026, m, 1), 12750, True, 1) for m in range(1, 11)
    ]
    [assessed] = ws.dues.assessments(2026, ouyang)
    assert (assessed.category, assessed.basis_fen, assessed.rate_bp, assessed.amount_fen) == (
        "employed", 850000, 150, 12750
    )  # fmt: skip
    assert ws.members.get(ouyang).dues_paid_to == dt.date(2026, 10, 31)
    if revision < "0012":
        assert ws.dues.payments(member_id=MEMBER_ID["区志强"]) == []
        return
    [qu] = ws.dues.payments(member_id=MEMBER_ID["区志强"])
    assert (qu.amount_fen, qu.months_text, qu.collector) == (30000, "2026年1月至3月", "覃春梅")
    [r] = ws.dues.remittances(2026)
    assert (r.receipt_no, r.amount_fen, r.months_text) == ("存档党费收据第0008号", 30000, "2026年1月至3月")
    [e] = ws.dues.exemptions(MEMBER_ID["朴成浩"])
    assert (e.kind, e.to_month) == ("elsewhere", None)
    assert ws.dues.balance(2026) == (127500 + 30000, 30000, 127500)


# ---- the branch's own work (0013) ---------------------------------------------------------------------
PHOTO_BYTES = b"\xff\xd8\xff\xe0 branchdesk schema fixture: a photo of the volunteer day \xff\xd9"


def _fill_activities(w: _Writer) -> None:
    """0013: a post kind of the branch, assignments (a dormitory, a 示范岗), a brand project with its goals
    and an award, a volunteer 主题党日 linked to its meeting with participants and a photo, a study
    record, a 述职评议."""
    ids = MEMBER_ID
    w.insert("新增岗位类型", "work_kind", branch_id=1, category="post", name="党员服务岗", sort_order=1)
    w.insert("保存联系服务安排", "assignment", branch_id=1, member_id=ids["马丽"], person="马丽", kind="dormitory",
             target="学生公寓3号楼305室", place="学生公寓3号楼", start=dt.date(2026, 3, 1))  # fmt: skip
    w.insert("保存联系服务安排", "assignment", branch_id=1, member_id=ids["区志强"], person="区志强", kind="post",
             post_kind="党员示范岗", target="实验室安全示范岗", place="实验楼B201", start=dt.date(2026, 3, 1),
             end=dt.date(2026, 12, 31))  # fmt: skip
    w.insert("保存党建品牌项目", "brand_project", branch_id=1, name="银龄守护", slogan="陪伴是最长情的告白",
             idea="党员带动师生定期走访社区老人", start=dt.date(2025, 9, 1))  # fmt: skip
    w.insert(
        "保存党建品牌项目",
        "brand_goal",
        branch_id=1,
        project_id=1,
        year=2026,
        goals="每月走访一次，全年服务12次",
    )
    w.insert("保存党建品牌项目", "brand_recognition", branch_id=1, project_id=1, title="省级优秀党建工作项目",
             level="省部级", issuer="省委教育工委", date=dt.date(2026, 6, 30))  # fmt: skip
    w.insert("保存活动记录", "activity", branch_id=1, date=dt.date(2026, 1, 8), start_time=dt.time(9, 0),
             end_time=dt.time(11, 30), kind="志愿服务", title="走访敬老院", place="幸福里敬老院", organiser="欧阳修",
             project_id=1, meeting_id=MEETING_ADMISSION, content="陪老人聊天、打扫卫生", outcome="服务老人20位",
             press="学院网站报道", others_count=5, others_tenths=125)  # fmt: skip
    for position, name in enumerate(("欧阳修", "马丽")):
        w.insert("保存活动记录", "activity_participant", branch_id=1, activity_id=1, position=position,
                 member_id=ids[name], name=name, tenths=25)  # fmt: skip
    w.insert("添加活动照片", "activity_attachment", branch_id=1, activity_id=1, file_name="合影.jpg",
             sha256=hashlib.sha256(PHOTO_BYTES).hexdigest(), size=len(PHOTO_BYTES), is_photo=True,
             content=PHOTO_BYTES, added_by="欧阳修", added_at=w._stamp(w._tick()))  # fmt: skip
    w.insert("保存学习学时", "study_record", branch_id=1, member_id=ids["马丽"], name="马丽", date=dt.date(2026, 5, 20),
             tenths=80, source="online", title="网上党校专题培训")  # fmt: skip
    w.insert("保存述职评议", "duty_report", branch_id=1, year=2025, member_id=ids["欧阳修"], name="欧阳修",
             post="书记", date=dt.date(2026, 1, 15), report="一年来履行党建第一责任人职责……", rated_good=6,
             rated_fairly_good=1, rated_average=0, rated_poor=0, higher_rating="好", higher_by="存档学院党委")  # fmt: skip


def _check_activities(db) -> None:
    from sqlalchemy import text

    with db.read() as session:

        def one(sql: str):
            return tuple(session.execute(text(sql)).one())

        assert one("SELECT person, kind, target FROM assignment WHERE kind = 'dormitory'") == (
            "马丽", "dormitory", "学生公寓3号楼305室")  # fmt: skip
        assert one("SELECT name, slogan FROM brand_project") == ("银龄守护", "陪伴是最长情的告白")
        assert one("SELECT title, level FROM brand_recognition") == ("省级优秀党建工作项目", "省部级")
        assert one("SELECT kind, title, meeting_id, others_count, others_tenths FROM activity") == (
            "志愿服务", "走访敬老院", MEETING_ADMISSION, 5, 125)  # fmt: skip
        assert one("SELECT count(*), sum(tenths) FROM activity_participant") == (2, 50)
        sha, content = one("SELECT sha256, content FROM activity_attachment")
        assert sha == hashlib.sha256(bytes(content)).hexdigest()
        assert one("SELECT name, tenths, source FROM study_record") == ("马丽", 80, "online")
        assert one("SELECT year, name, rated_good, higher_rating FROM duty_report") == (
            2025,
            "欧阳修",
            6,
            "好",
        )
        assert one("SELECT name FROM work_kind") == ("党员服务岗",)


# ---- readiness (0016) ------------------------------------------------------------------------------
READINESS_RUBRIC = {
    "name": "本市红旗党支部", "year": 2026, "note": "",
    "dimensions": [{"name": "组织建设", "items": [
        {"key": "1.1", "name": "党小组会每月一次", "points": "3", "how": "auto", "metric": "meetings.group",
         "mode": "deduct", "per_unit": "0.5", "floor": "0"},
        {"key": "1.2", "name": "支部工作制度健全", "points": "5", "how": "manual"},
    ]}],
}  # fmt: skip


def _fill_readiness(w: _Writer) -> None:
    """0016: the branch's own rubric for 2026, a manual score with an attached file, a saved assessment,
    two plan items (one done) and an edited annual summary."""
    import hashlib

    w.insert("导入评分细则：本市红旗党支部（2026年）", "rubric", branch_id=1, name="本市红旗党支部", year=2026,
             content=_json(READINESS_RUBRIC), updated_at=w._stamp(w._tick()), updated_by="欧阳修")  # fmt: skip
    score = w.insert("自评打分：支部工作制度健全", "assessment_score", branch_id=1, rubric_name="本市红旗党支部",
                     year=2026, item_key="1.2", score="4.5", comment="制度汇编齐全", scored_at=w._stamp(w._tick()),
                     scored_by="欧阳修")  # fmt: skip
    content = "支部工作制度汇编".encode()
    w.insert("添加自评佐证材料：制度汇编.pdf", "assessment_attachment", score_id=score, file_name="制度汇编.pdf",
             sha256=hashlib.sha256(content).hexdigest(), size=len(content), content=content,
             added_at=w._stamp(w._tick()), added_by="欧阳修")  # fmt: skip
    result = {
        "rubric": "本市红旗党支部",
        "year": 2026,
        "score": 6.5,
        "max": 8,
        "dimensions": [],
        "actions": [],
    }
    w.insert("保存自评：本市红旗党支部（2026年）", "assessment", branch_id=1, rubric_name="本市红旗党支部", year=2026,
             made_on=dt.date(2026, 11, 30), rubric=_json(READINESS_RUBRIC), result=_json(result), score="6.5",
             max_score="8", made_at=w._stamp(w._tick()), made_by="欧阳修")  # fmt: skip
    w.insert("新增年度工作计划事项：七一主题党日", "plan_item", branch_id=1, year=2026, due_date=dt.date(2026, 7, 1),
             title="七一主题党日：重温入党誓词", area="meetings", done_on=dt.date(2026, 7, 1))  # fmt: skip
    w.insert("新增年度工作计划事项：换届选举", "plan_item", branch_id=1, year=2026, due_date=dt.date(2026, 12, 20),
             title="支部委员会换届选举", area="branch")  # fmt: skip
    w.insert("保存2026年度工作总结", "annual_summary", branch_id=1, year=2026, text="2026年度工作总结（定稿）",
             updated_at=w._stamp(w._tick()), updated_by="欧阳修")  # fmt: skip


def _check_readiness(db) -> None:
    from decimal import Decimal

    ws = Workspace.open(db)
    r = ws.readiness
    rubric = r.rubric("本市红旗党支部", 2026)
    assert [i.name for i in rubric.items()] == ["党小组会每月一次", "支部工作制度健全"]
    assert r.rubric_years("本市红旗党支部") == [2026]
    manual = r.manual_scores("本市红旗党支部", 2026)["1.2"]
    assert (manual.score, manual.comment, manual.attachments) == (
        Decimal("4.5"),
        "制度汇编齐全",
        ("制度汇编.pdf",),
    )
    [saved] = r.saved(2026)
    assert (saved.made_on, saved.score, saved.max) == (dt.date(2026, 11, 30), Decimal("6.5"), Decimal(8))
    old, result = r.saved_copy(saved.id)
    assert old.name == "本市红旗党支部" and result["score"] == 6.5
    plan = r.plan_items(2026)
    assert [(p.title, p.done_on) for p in plan] == [
        ("七一主题党日：重温入党誓词", dt.date(2026, 7, 1)), ("支部委员会换届选举", None)
    ]  # fmt: skip
    assert r.summary_text(2026) == "2026年度工作总结（定稿）"


def _fill_accounts(w: _Writer) -> None:
    """The administrator (with the recovery code), a committee member and a viewer whose first
    passwords must be changed, and the idle-lock time: rows as AuthService writes them."""
    from argon2 import PasswordHasher

    from branchdesk.domain.auth import normalize_recovery_code

    hasher = PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1)  # verify() reads them from the hash
    for name, (display, role, password) in ACCOUNTS.items():
        now = w._stamp(w._tick())
        w.insert(
            "新建用户账户", "user_account", by="存档", secret=("password_hash",), username=name,
            display_name=display, role=role, password_hash=hasher.hash(password), failed_attempts=0,
            active=True, must_change_password=role != "admin", created_at=now, password_changed_at=now,
        )  # fmt: skip
    w.insert("生成恢复码", "recovery_code", by="存档", secret=("code_hash",),
             code_hash=hasher.hash(normalize_recovery_code(RECOVERY_CODE)), created_at=w._stamp(w._tick()))  # fmt: skip
    w.insert("修改设置：auth.idle_lock_minutes", "setting", key="auth.idle_lock_minutes",
             value=_json(IDLE_LOCK_MINUTES))  # fmt: skip


def check_accounts(db, *, stored: bool) -> None:
    """The accounts survived (stored=True), or a database from before accounts still has none and
    works as before: the operating-system user with every right."""

    auth = Workspace.open(db).auth
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


def build(url: str, revision: str) -> None:
    """Bring an empty database to `revision` with the shipped scripts (not further)."""
    from alembic import command

    from branchdesk.db.engine import make_engine
    from branchdesk.db.migrate import _alembic_config

    engine = make_engine(url)
    try:
        with engine.begin() as conn:
            command.upgrade(_alembic_config(conn), revision)
    finally:
        engine.dispose()


def make(revision: str, *, force: bool = False) -> Path:
    from branchdesk.db.backup import backup_sqlite
    from branchdesk.db.engine import make_engine
    from branchdesk.db.migrate import known_revisions

    if revision not in known_revisions():
        raise SystemExit(f"no shipped migration script has revision {revision}")
    target = FIXTURES / f"schema-{revision}.sqlite"
    if target.exists() and not force:
        raise SystemExit(f"{target} exists; add --force to write it again from `fill`")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "fixture.sqlite"
        url = f"sqlite:///{path}"
        build(url, revision)
        engine = make_engine(url)
        try:
            with engine.begin() as conn:
                fill(conn, revision)
                problems = conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                assert not problems, problems
        finally:
            engine.dispose()
        con = sqlite3.connect(path)
        con.execute("PRAGMA journal_mode=DELETE")
        con.execute("VACUUM")
        con.close()
        FIXTURES.mkdir(exist_ok=True)
        target.unlink(missing_ok=True)
        backup_sqlite(path, target)
    return target


def copy_rows(source: Path, url: str) -> dict[str, int]:
    """Copy every row of a stored SQLite database into another database already at the same revision
    (PostgreSQL: the sequences are moved past the copied ids). Returns the rows copied per table."""
    from sqlalchemy import DateTime, MetaData, create_engine, func, select, text

    from branchdesk.db.engine import make_engine

    reader = create_engine(f"sqlite:///{source}")
    writer = make_engine(url)
    copied: dict[str, int] = {}
    try:
        tables_in, tables_out = MetaData(), MetaData()
        with reader.connect() as src, writer.begin() as dst:
            tables_in.reflect(src)
            tables_out.reflect(dst)
            assert set(tables_in.tables) == set(tables_out.tables), "not the same revision"
            for table in tables_out.sorted_tables:
                if table.name == "alembic_version":
                    continue
                aware = [c.name for c in table.c if isinstance(c.type, DateTime) and c.type.timezone]
                rows = [dict(r) for r in src.execute(select(tables_in.tables[table.name])).mappings()]
                for row in rows:  # SQLite keeps UTC without a zone
                    for name in aware:
                        if row[name] is not None:
                            row[name] = row[name].replace(tzinfo=dt.UTC)
                if rows:
                    dst.execute(table.delete())  # rows the migrations wrote themselves (the audit head)
                    dst.execute(table.insert(), rows)
                copied[table.name] = len(rows)
                if dst.dialect.name == "postgresql" and "id" in table.c and rows:
                    top = dst.execute(select(func.max(table.c.id))).scalar_one()
                    dst.execute(
                        text(f"SELECT setval(pg_get_serial_sequence('\"{table.name}\"', 'id'), {top})")
                    )
    finally:
        reader.dispose()
        writer.dispose()
    return copied


# ---- the encrypted copy (issue 19) -------------------------------------------------------------------
# An office's database encrypted by `branchdesk encrypt` at schema ENCRYPTED_REVISION: the stored database
# of that revision as a SQLCipher file, with its key file beside it (a slot for the administrator's
# password and one for RECOVERY_CODE, as encryption leaves them). The upgrade tests open it with that
# password and upgrade it; keep it at the revision it was made from (later schemas upgrade it for real).
ENCRYPTED_REVISION = "0006"


def encrypted_stored() -> Path:
    return FIXTURES / f"encrypted-schema-{ENCRYPTED_REVISION}.sqlite"


def make_encrypted(*, force: bool = False) -> Path:
    from branchdesk.db import crypto
    from branchdesk.domain.auth import normalize_recovery_code

    target = encrypted_stored()
    if target.exists() and not force:
        raise SystemExit(f"{target} exists; add --force to write it again")
    source = stored()[ENCRYPTED_REVISION]
    con = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    try:
        admin_hash = con.execute(
            "SELECT password_hash FROM user_account WHERE username = 'shuji'"
        ).fetchone()[0]
        code_hash = con.execute("SELECT code_hash FROM recovery_code").fetchone()[0]
    finally:
        con.close()
    key = crypto.DatabaseKey.new()
    with tempfile.TemporaryDirectory() as tmp:
        staged = Path(tmp) / target.name
        crypto.export(source, staged, key)
        assert crypto.check_file(staged, key) == "ok"
        cheap = crypto.KdfParams(1, 8192, 1)  # as cheap as the stored password hashes
        keyfile = crypto.KeyFile(key.key_id)
        keyfile, _ = keyfile.wrap(key, kind="account", secret=ACCOUNTS["shuji"][2], account_id=1, username="shuji",
                                  bound=crypto.fingerprint(admin_hash), kdf=cheap)  # fmt: skip
        keyfile, _ = keyfile.wrap(key, kind="recovery", secret=normalize_recovery_code(RECOVERY_CODE),
                                  bound=crypto.fingerprint(code_hash), kdf=cheap)  # fmt: skip
        crypto.write_keyfile(crypto.keyfile_path(staged), keyfile)
        shutil.copyfile(staged, target)
        shutil.copyfile(crypto.keyfile_path(staged), crypto.keyfile_path(target))
    return target


def put_encrypted(folder: Path) -> Path:
    """A copy of the encrypted stored database (with its key file) as `folder`/branchdesk.sqlite."""
    from branchdesk.db import crypto

    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "branchdesk.sqlite"
    shutil.copyfile(encrypted_stored(), path)
    shutil.copyfile(crypto.keyfile_path(encrypted_stored()), crypto.keyfile_path(path))
    return path


if __name__ == "__main__":
    from branchdesk.db.migrate import SCHEMA_HEAD

    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    if "--encrypted" in sys.argv:
        print(make_encrypted(force="--force" in sys.argv))
    else:
        print(make(args[0] if args else SCHEMA_HEAD, force="--force" in sys.argv))
