"""The audit log (审计日志): checking it (`verify`) and reading it for the audit page and its export.

`verify(db)` checks the database itself (SQLite: ``PRAGMA integrity_check`` and ``foreign_key_check``;
PostgreSQL: every foreign key by query, and that no table's triggers — which enforce the foreign keys —
were switched off) and walks the audit chain (see `db/uow.py`) entry by entry, naming in Chinese each
entry that was changed, each gap where entries were deleted, entries whose hash was recomputed, and a
missing or extra tail. `branchdesk verify` and the 校验 button of the audit page call it.

`AuditService` answers the audit page: filtered id lists (newest first, in SQL), rows fetched by id as
snapshots (`AuditRow`), the Chinese labels of tables and fields, and the export ledger. It reads the
workspace's branch only (``audit_entry.branch_id``). Entries of no branch — written before revision 0015,
or for the whole database (accounts, new branches, restore) — are shown to an administrator of the
database (``db.principal``, not a branch's 管理员) only, on whichever branch: before 0015 an entry does not
say which branch it was written for, and the database's own entries are no branch's business.
`verify` walks the whole chain regardless (the chain is the database's).

What the chain can and cannot show: anyone who edits the database outside the program without
recomputing the hashes is detected. Someone who knows the algorithm and rewrites every hash after the
edited entry (and the head) is not: the hash has no secret key, as there is nowhere on a shared office
PC to keep one from that person.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

from sqlalchemy import Text, func, select, type_coerce

from branchdesk.db.uow import _ENTRY, _HEAD, GENESIS, at_text, entry_hash

if TYPE_CHECKING:
    from branchdesk.workspace import Workspace

Progress = Callable[..., None]

BATCH = 5000  # entries read per query while verifying
MAX_PROBLEMS = 500  # problems listed in full; beyond that they are counted


class VerifyCancelled(Exception):
    """The user stopped the check."""


# ==================================================================================== verify
@dataclass(frozen=True)
class Problem:
    """One thing wrong, in words a secretary can act on. `first_seq`/`last_seq` bound the entries."""

    kind: str  # integrity | foreign_key | triggers | altered | relinked | gap | missing_tail | extra_tail | head
    message: str
    first_seq: int | None = None
    last_seq: int | None = None


@dataclass
class VerifyReport:
    dialect: str
    entries: int = 0  # audit entries read
    last_seq: int = 0
    integrity: list[Problem] = field(default_factory=list)
    chain: list[Problem] = field(default_factory=list)
    unlisted: int = 0  # chain problems beyond MAX_PROBLEMS
    data: list[Problem] = field(default_factory=list)  # rows that differ from what the trail says
    data_unlisted: int = 0
    anchor: list[Problem] = field(default_factory=list)  # the head kept outside the database
    notes: list[str] = field(default_factory=list)  # information, not a failure
    records: int = 0  # records compared with the trail

    @property
    def ok(self) -> bool:
        return not self.integrity and not self.chain and not self.data and not self.anchor

    def summary(self) -> str:
        """One sentence for the end of the report."""
        where = "数据库文件" if self.dialect == "sqlite" else "数据库"
        if self.ok:
            return f"校验通过：{where}完整，{self.entries} 条审计记录的校验链完整，未发现改动。"
        parts = []
        if self.integrity:
            parts.append(f"{where}有 {len(self.integrity)} 处问题")
        if self.chain or self.unlisted or self.anchor:
            parts.append(f"审计记录有 {len(self.chain) + self.unlisted + len(self.anchor)} 处问题")
        if self.data or self.data_unlisted:
            parts.append(f"有 {len(self.data) + self.data_unlisted} 处数据与审计记录不符")
        return f"校验未通过：{'，'.join(parts)}（共检查 {self.entries} 条审计记录）。"

    def lines(self) -> list[str]:
        """Every problem, one line each, then the notes and the summary."""
        out = [p.message for p in self.integrity] + [p.message for p in self.anchor]
        out += [p.message for p in self.chain]
        if self.unlisted:
            out.append(f"另有 {self.unlisted} 处审计记录问题未逐条列出。")
        out += [p.message for p in self.data]
        if self.data_unlisted:
            out.append(f"另有 {self.data_unlisted} 处数据与审计记录不符，未逐条列出。")
        return [*out, *self.notes, self.summary()]

    def to_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "database": self.dialect,
            "entries": self.entries,
            "last_seq": self.last_seq,
            "integrity": [asdict(p) for p in self.integrity],
            "chain": [asdict(p) for p in self.chain],
            "unlisted": self.unlisted,
            "anchor": [asdict(p) for p in self.anchor],
            "data": [asdict(p) for p in self.data],
            "data_unlisted": self.data_unlisted,
            "records": self.records,
            "notes": list(self.notes),
            "summary": self.summary(),
        }


def verify(
    db, *, progress: Progress | None = None, cancelled: Callable[[], bool] | None = None
) -> VerifyReport:
    """Check the database and the audit chain. Reads only; safe while others work.

    `progress(done, total, text)` is called per batch; `cancelled()` turning true raises
    `VerifyCancelled`.
    """
    report = VerifyReport(dialect=db.dialect)
    with db.engine.connect() as conn:
        if db.dialect == "postgresql":  # one snapshot for the whole walk while others keep writing
            conn = conn.execution_options(isolation_level="REPEATABLE READ")
        if progress:
            progress(0, 0, "正在检查数据库…")
        report.integrity = _integrity(conn, db.dialect)
        _walk_chain(conn, report, progress, cancelled)
        if progress:
            progress(report.entries, report.entries, "正在核对数据与审计记录…")
        _replay(conn, report)
        _check_anchors(conn, report, db)
        conn.rollback()
    return report


def _replay(conn, report: VerifyReport) -> None:
    from branchdesk.services.audit_replay import replay

    result = replay(conn)
    report.records = result.rows
    report.data = [Problem(f"data_{f.kind}", f.message) for f in result.findings]
    report.data_unlisted = result.unlisted
    if report.entries == 0 and result.rows:
        report.data.insert(0, Problem("empty_trail", f"审计日志是空的，但数据库中有 {result.rows} 条记录："
                                                     "审计日志可能被清空"))  # fmt: skip


def _check_anchors(conn, report: VerifyReport, db) -> None:
    """The chain's head as kept outside the database: the anchor file and the backups."""
    from branchdesk.services.anchor import check_anchors

    report.anchor, notes = check_anchors(conn, db)
    report.notes.extend(notes)


# ---- the database ----------------------------------------------------------------------------------
def _integrity(conn, dialect: str) -> list[Problem]:
    if dialect == "sqlite":
        return _sqlite_integrity(conn)
    if dialect == "postgresql":
        return _foreign_keys_by_query(conn) + _disabled_triggers(conn)
    return []


def _sqlite_integrity(conn) -> list[Problem]:
    problems = []
    lines = [row[0] for row in conn.exec_driver_sql("PRAGMA integrity_check(100)")]
    if lines != ["ok"]:
        problems.extend(Problem("integrity", f"数据库文件损坏：{line}") for line in lines)
    if (
        conn.dialect.driver == "pysqlcipher"
    ):  # encrypted: every page's HMAC (a page changed outside SQLCipher)
        bad = [row[0] for row in conn.exec_driver_sql("PRAGMA cipher_integrity_check")]
        problems.extend(Problem("integrity", f"加密的数据库文件损坏：{line}") for line in bad[:100])
    counts: dict[tuple[str, str], list[int]] = {}
    for table, rowid, parent, _fkid in conn.exec_driver_sql("PRAGMA foreign_key_check"):
        counts.setdefault((table, parent), []).append(rowid)
    problems.extend(
        _orphans_problem(table, parent, rowids, len(rowids)) for (table, parent), rowids in counts.items()
    )
    return problems


def _orphans_problem(table: str, parent: str, rowids: list[int], count: int) -> Problem:
    shown = "、".join(str(r) for r in sorted(rowids)[:10]) + ("等" if count > 10 else "")
    return Problem(
        "foreign_key",
        f"“{table_label(table)}”中有 {count} 条记录（编号 {shown}）引用的“{table_label(parent)}”记录不存在："
        "数据可能在程序之外被删除或改动",
    )


def _foreign_keys_by_query(conn) -> list[Problem]:
    """PostgreSQL enforces foreign keys itself; a dangling reference means they were bypassed."""
    from sqlalchemy import and_, inspect

    from branchdesk.db.models import full_metadata

    existing = set(inspect(conn).get_table_names())
    problems = []
    for table in full_metadata().sorted_tables:
        if table.name not in existing:
            continue
        for fk in table.foreign_key_constraints:
            parent = fk.referred_table
            if parent.name not in existing or len(fk.columns) != 1:
                continue
            child_col = next(iter(fk.columns))
            parent_col = fk.elements[0].column
            alias = parent.alias("p")
            orphan = (
                select(table.c.id)
                .select_from(table.outerjoin(alias, alias.c[parent_col.name] == child_col))
                .where(and_(child_col.is_not(None), alias.c[parent_col.name].is_(None)))
            )
            count = conn.scalar(select(func.count()).select_from(orphan.subquery()))
            if count:
                rowids = list(conn.scalars(orphan.order_by(table.c.id).limit(10)))
                problems.append(_orphans_problem(table.name, parent.name, rowids, count))
    return problems


def _disabled_triggers(conn) -> list[Problem]:
    from sqlalchemy import text

    rows = conn.execute(
        text(
            "SELECT DISTINCT c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
            "WHERE t.tgenabled = 'D' AND c.relnamespace = to_regnamespace(current_schema()) ORDER BY 1"
        )
    ).scalars()
    return [
        Problem("triggers", f"“{table_label(name)}”的外键检查被停用：数据可能在程序之外被改动")
        for name in rows
    ]


# ---- the chain -------------------------------------------------------------------------------------
@dataclass
class _Walk:
    report: VerifyReport
    prev_seq: int = 0
    prev_hash: str = GENESIS
    prev_row: Any = None
    prev_altered: bool = False

    def add(self, problem: Problem) -> None:
        chain = self.report.chain
        last = chain[-1] if chain else None
        if (
            problem.kind == "altered"
            and last is not None
            and last.kind == "altered"
            and last.last_seq is not None
            and problem.first_seq == last.last_seq + 1
        ):
            first = last.first_seq or 0
            chain[-1] = Problem(
                "altered",
                f"审计记录第 {first} 条至第 {problem.first_seq} 条（共 {problem.first_seq - first + 1} 条）"
                "的内容与校验值不符：这些记录可能被改动或重新编号",
                first,
                problem.first_seq,
            )
            return
        if len(chain) >= MAX_PROBLEMS:
            self.report.unlisted += 1
            return
        chain.append(problem)


def _describe(row) -> str:
    """ "审计记录第 N 条（2026-03-05 14:02，张三，修改党员档案）", the time in the computer's time zone."""
    at = _parse_at(row.at)
    when = at.astimezone().strftime("%Y-%m-%d %H:%M") if at is not None else "时间无法读取"
    return f"审计记录第 {row.seq} 条（{when}，{row.user}，{row.operation}）"


def _parse_at(value: Any) -> dt.datetime | None:
    if isinstance(value, dt.datetime):
        return value if value.tzinfo is not None else value.replace(tzinfo=dt.UTC)
    try:
        parsed = dt.datetime.fromisoformat(str(value))
    except ValueError:
        return None
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=dt.UTC)


def _canonical_at(value: Any) -> str | None:
    """The time as hashed (`uow.at_text`); SQLite's stored text "2026-03-05 06:02:00.123456" is turned
    into it directly (any edit of the text changes the result, so it still shows)."""
    if isinstance(value, str) and len(value) == 26 and value[10] == " " and value[19] == ".":
        return f"{value[:10]}T{value[11:]}Z"
    at = _parse_at(value)
    return at_text(at) if at is not None else None


def _walk_chain(conn, report: VerifyReport, progress: Progress | None, cancelled) -> None:
    e = _ENTRY
    # SQLite keeps times as text: read it as stored, so that an edited, unreadable time is a finding
    at_col = type_coerce(e.c.at, Text) if conn.dialect.name == "sqlite" else e.c.at
    columns = [e.c.seq, e.c.prev_hash, e.c.hash, at_col.label("at"), e.c.user, e.c.operation, e.c.action,
               e.c.entity, e.c.entity_id, e.c.changes]  # fmt: skip
    from sqlalchemy import inspect as sa_inspect
    from sqlalchemy import literal

    has_branch = any(c["name"] == "branch_id" for c in sa_inspect(conn).get_columns("audit_entry"))
    columns.append(e.c.branch_id if has_branch else literal(None).label("branch_id"))  # before 0015: none
    total = conn.scalar(select(func.count()).select_from(e)) or 0
    head = conn.execute(select(_HEAD.c.seq, _HEAD.c.hash).where(_HEAD.c.id == 1)).first()
    walk = _Walk(report)
    last_seq: int | None = None
    while True:
        if cancelled is not None and cancelled():
            raise VerifyCancelled
        query = select(*columns).order_by(e.c.seq).limit(BATCH)
        if last_seq is not None:
            query = query.where(e.c.seq > last_seq)
        rows = conn.execute(query).all()
        if not rows:
            break
        for row in rows:
            _check_entry(walk, row)
        last_seq = rows[-1].seq
        report.entries += len(rows)
        if progress:
            progress(report.entries, total, f"正在校验审计记录（{report.entries} / {total}）…")
    report.last_seq = walk.prev_seq
    _check_tail(walk, head)


def _check_entry(walk: _Walk, row) -> None:
    seq = row.seq
    at = _canonical_at(row.at)
    try:
        valid = at is not None and row.hash == entry_hash(
            row.prev_hash,
            seq,
            at,
            row.user,
            row.operation,
            row.action,
            row.entity,
            row.entity_id,
            row.changes,
            row.branch_id,
        )
    except (TypeError, ValueError):  # a value of the wrong type put in by hand
        valid = False
    if seq > walk.prev_seq + 1:
        missing = seq - walk.prev_seq - 1
        if walk.prev_seq == 0:
            text = f"审计记录第 1 条至第 {seq - 1} 条缺失（共 {missing} 条）：这些记录可能被删除"
        else:
            text = (f"审计记录第 {walk.prev_seq} 条与第 {seq} 条之间缺少 {missing} 条记录"
                    f"（第 {walk.prev_seq + 1} 条{'' if missing == 1 else f'至第 {seq - 1} 条'}）：这些记录可能被删除")  # fmt: skip
        walk.add(Problem("gap", text, walk.prev_seq + 1, seq - 1))
    elif row.prev_hash != walk.prev_hash and valid and not walk.prev_altered:
        if walk.prev_row is None:
            text = f"{_describe(row)}不是审计日志原来的第一条记录：该记录可能是在程序之外写入的"
        else:
            text = (f"{_describe(walk.prev_row)}与下一条记录的链接断开：该记录可能被改动后重新计算了校验值，"
                    "或它与下一条之间的记录被替换")  # fmt: skip
        walk.add(Problem("relinked", text, walk.prev_seq or seq, seq))
    if not valid:
        walk.add(Problem("altered", f"{_describe(row)}的内容与校验值不符：该记录可能被改动", seq, seq))
    walk.prev_seq, walk.prev_hash, walk.prev_row, walk.prev_altered = seq, row.hash, row, not valid


def _check_tail(walk: _Walk, head) -> None:
    last = walk.prev_seq
    if head is None:
        if last:
            walk.add(Problem("head", "审计日志的末尾标记缺失：无法确认最新的审计记录是否被删除"))
        return
    if head.seq > last:
        missing = head.seq - last
        span = f"第 {last + 1} 条" + ("" if missing == 1 else f"至第 {head.seq} 条")
        text = (f"最新的 {missing} 条审计记录（{span}）缺失：这些记录可能被删除" if last
                else f"全部 {missing} 条审计记录缺失：审计日志可能被清空")  # fmt: skip
        walk.add(Problem("missing_tail", text, last + 1, head.seq))
    elif head.seq < last:
        walk.add(
            Problem(
                "extra_tail",
                f"审计记录第 {head.seq + 1} 条至第 {last} 条不是本程序写入的（审计日志的末尾是第 {head.seq} 条）："
                "这些记录可能是在程序之外添加的",
                head.seq + 1,
                last,
            )
        )
    elif head.hash != walk.prev_hash and not walk.prev_altered:
        walk.add(
            Problem(
                "head", f"{_describe(walk.prev_row)}与审计日志的末尾标记不符：该记录可能被替换", last, last
            )
        )


# ==================================================================================== labels
#: Chinese names of the tables audit entries are about.
TABLE_LABELS: dict[str, str] = {
    "member": "党员档案",
    "member_status_change": "党籍变动",
    "member_award": "奖惩",
    "committee_member": "支委任职",
    "branch": "支部信息",
    "branch_honour": "支部荣誉",
    "party_group": "党小组",
    "setting": "设置",
    "rule_setting_change": "规则设置变更",
    "holiday_day": "节假日安排",
    "dossier": "发展党员档案",
    "dossier_talk": "谈话记录",
    "dossier_filing": "备案",
    "dossier_contact": "培养联系人",
    "dossier_assessment": "培养考察",
    "dossier_thought_report": "思想汇报",
    "dossier_sponsor": "入党介绍人",
    "dossier_extension": "延长预备期",
    "dossier_checklist_item": "卷内材料",
    "dossier_vote": "支部大会表决",
    "dossier_vote_exclusion": "不计入应到人数",
    "dossier_override": "规则提醒的确认",
    "meeting": "会议记录",
    "meeting_type": "会议类型",
    "meeting_attendance": "出席情况",
    "meeting_observer": "列席人员",
    "agenda_item": "会议议程",
    "meeting_amendment": "会议记录更正",
    "meeting_attachment": "会议附件",
    "appraisal_grade": "民主评议等次",
    "remediation_item": "整改事项",
    "talk_pair": "谈心谈话",
    "audit_entry": "审计日志",
    "audit_head": "审计日志末尾标记",
}


def table_label(name: str) -> str:
    return TABLE_LABELS.get(name, name)


ACTION_LABELS = {"insert": "新增", "update": "修改", "delete": "删除"}
# how precise a paper date is (domain.partial_dates.Precision, the "<date>_precision" columns of 0014)
PRECISION_LABELS = {"year": "精确到年", "month": "精确到月", "day": "精确到日"}

_DEVELOPMENT_TABLES = ("dossier", "dossier_talk", "dossier_filing", "dossier_contact", "dossier_assessment",
                       "dossier_thought_report", "dossier_sponsor", "dossier_extension", "dossier_checklist_item",
                       "dossier_vote", "dossier_vote_exclusion", "dossier_override")  # fmt: skip
_MEETING_TABLES = ("meeting", "meeting_type", "meeting_attendance", "meeting_observer", "agenda_item",
                   "meeting_amendment", "meeting_attachment", "appraisal_grade", "remediation_item",
                   "talk_pair")  # fmt: skip

#: The kinds of records the audit page filters by: key -> (label, tables). "other" is everything else.
ENTITY_KINDS: dict[str, tuple[str, tuple[str, ...]]] = {
    "members": ("成员档案", ("member", "member_status_change", "member_award", "committee_member")),
    "development": ("发展党员", _DEVELOPMENT_TABLES),
    "meetings": ("会议记录", _MEETING_TABLES),
    "settings": (
        "支部与设置",
        ("branch", "branch_honour", "party_group", "setting", "rule_setting_change", "holiday_day"),
    ),
    "other": ("其他", ()),
}

# Columns shown under another table's label (shared names) and columns of bookkeeping, never shown.
_COMMON_FIELDS: dict[str, str] = {
    "id": "编号", "branch_id": "支部", "member_id": "党员", "dossier_id": "发展党员档案", "meeting_id": "会议",
    "group_id": "党小组", "name": "姓名", "date": "日期", "title": "名称", "notes": "备注", "note": "备注",
    "reason": "原因", "kind": "类别", "level": "级别", "issuer": "批准机关", "position": "顺序", "summary": "摘要",
    "sex": "性别", "birth_date": "出生日期", "id_number": "公民身份号码", "key": "设置项", "value": "设置值",
    "user": "操作人", "at": "时间", "text": "内容", "status": "状态", "place": "地点", "full_member": "正式党员",
    "sort_order": "排列顺序", "audience": "参加对象", "discussion": "讨论情况", "decision": "决定",
    "vote_id": "表决", "decisions": "决定事项", "expected": "应到人数", "present": "实到人数", "yes": "赞成", "no": "反对",
    "abstain": "弃权", "written_yes": "书面赞成", "written_no": "书面反对", "written_abstain": "书面弃权",
    "written_before_meeting": "书面意见会前提交", "vote_kind": "表决事项", "created_at": "建立时间",
}  # fmt: skip
_TABLE_FIELDS: dict[str, dict[str, str]] = {
    "member": {"name_initials": "姓名拼音首字母", "name_pinyin": "姓名拼音", "is_group_leader": "党小组组长",
               "photo": "照片", "group_id": "所在党小组"},
    "branch": {"name": "支部名称", "founded_on": "成立日期", "higher_committee": "上级党组织", "address": "地址",
               "committee_term_start": "支委会任期开始", "committee_term_end": "支委会任期届满",
               "records_since": "开始在本程序记录的日期"},
    "branch_honour": {"title": "荣誉名称", "issuer": "授予单位"},
    "party_group": {"name": "党小组名称"},
    "committee_member": {"post": "职务", "term_start": "任期开始", "term_end": "任期届满", "ended_on": "卸任日期"},
    "member_status_change": {"date": "变更日期", "from_status": "原状态", "to_status": "新状态",
                             "letter_no": "介绍信编号", "destination": "转往单位", "letter_valid_until": "介绍信有效期至",
                             "return_slip_received": "已收到回执", "recorded_at": "登记时间"},
    "dossier": {"activist_recommendation": "推荐方式", "activist_decided_by": "确定积极分子的会议",
                "activist_publicity_start": "积极分子公示开始日期", "activist_publicity_end": "积极分子公示结束日期",
                "candidate_decided_by": "确定发展对象的会议", "political_review_passed": "政审合格",
                "political_review_conclusion": "政审结论", "training_days": "培训天数", "training_hours": "培训学时",
                "training_certificate": "结业证书", "pre_review_passed": "预审通过",
                "volunteer_form_number": "入党志愿书编号", "approval_extension_reason": "接收审批超期原因",
                "conversion_approval_extension_reason": "转正审批超期原因", "outcome": "终止情况",
                "outcome_reason": "终止原因", "transferred_in_date": "转入日期", "member_id": "对应的党员档案",
                "approval_reported_on": "接收上报上级党委日期", "approval_by": "接收审批机关",
                "conversion_reported_on": "转正上报上级党委日期", "conversion_approval_by": "转正审批机关",
                "outcome_approval_by": "取消预备党员资格批准机关"},
    "dossier_talk": {"kind": "谈话类别", "interviewers": "谈话人", "summary": "谈话摘要"},
    "dossier_filing": {"kind": "备案类别", "recipient": "报送单位", "number": "备案编号"},
    "dossier_contact": {"assigned_on": "指定日期", "outside": "外支部党员"},
    "dossier_assessment": {"opinion": "考察意见"},
    "dossier_sponsor": {"under_watch": "留党察看期间", "outside": "外支部党员"},
    "dossier_extension": {"months": "延长月数", "approval_date": "上级党委批准日期", "approval_by": "批准机关"},
    "dossier_vote_exclusion": {"kind": "不计入应到的情形", "approved_on": "上级党组织同意日期",
                               "approved_by": "同意的上级党组织", "decision": "支部党员大会决定"},
    "dossier_checklist_item": {"item": "材料"},
    "dossier_vote": {"kind": "表决事项", "ordinal": "第几次", "meeting_date": "支部大会日期"},
    "dossier_override": {"step": "步骤", "code": "规则", "message": "提醒内容", "reason": "确认理由"},
    "meeting": {"type": "会议类型", "custom_type_id": "自定义会议类型", "custom_type_name": "会议类型名称",
                "start_time": "开始时间", "end_time": "结束时间", "mode": "召开方式", "platform": "线上平台",
                "chair": "主持人", "chair_member_id": "主持人（党员）", "recorder": "记录人",
                "recorder_member_id": "记录人（党员）", "lecturer": "授课人", "lecturer_member_id": "授课人（党员）",
                "theme": "主题", "group_name": "党小组名称", "sealed_at": "定稿时间", "sealed_by": "定稿人",
                "status": "记录状态", "for_year": "所属年度"},
    "meeting_type": {"name": "会议类型名称"},
    "rule_setting_change": {"name": "设置项", "effective_from": "生效日期", "changed_at": "修改时间",
                            "changed_by": "修改人"},
    "holiday_day": {"day": "日期", "kind": "放假或上班", "note": "说明"},
    "meeting_attendance": {"member_type": "人员类别", "status": "出席情况", "reason": "缺席原因", "voter": "有表决权",
                           "exclusion_kind": "不计入应到的情形", "exclusion_approved_on": "上级党组织同意日期",
                           "exclusion_approved_by": "同意的上级党组织", "exclusion_decision": "支部党员大会决定"},
    "meeting_observer": {"role": "身份"},
    "agenda_item": {"title": "议题"},
    "meeting_amendment": {"text": "更正内容", "reason": "更正原因"},
    "meeting_attachment": {"file_name": "文件名", "sha256": "校验值", "size": "大小（字节）", "content": "文件内容",
                           "added_by": "添加人", "added_at": "添加时间"},
    "appraisal_grade": {"grade": "评议等次", "votes_excellent": "测评票数（优秀）", "votes_qualified": "测评票数（合格）",
                        "votes_basic": "测评票数（基本合格）", "votes_unqualified": "测评票数（不合格）"},
    "remediation_item": {"problem": "问题", "measure": "整改措施", "owner": "责任人", "due": "完成时限",
                         "done_on": "完成日期", "evidence": "整改佐证材料"},
    "talk_pair": {"first": "谈话人", "second": "谈话对象", "first_member_id": "谈话人（党员）",
                  "second_member_id": "谈话对象（党员）"},
}  # fmt: skip
_HIDDEN_FIELDS = frozenset(
    {"id", "branch_id", "name_initials", "name_pinyin", "position", "created_at", "updated_at"}
)


def field_label(table: str, name: str) -> str:
    """The Chinese label of a field of a table, from the domain vocabulary where it has one."""
    label = _TABLE_FIELDS.get(table, {}).get(name)
    if label:
        return label
    if name.endswith("_precision"):  # 0014: how precise a paper date is (year / month / day)
        return field_label(table, name.removesuffix("_precision")) + "的精确程度"
    if table == "member":
        from branchdesk.domain.vocab import MEMBER_FIELD_LABELS

        if name in MEMBER_FIELD_LABELS:
            return MEMBER_FIELD_LABELS[name]
    if table == "dossier":
        from branchdesk.domain.development import DATE_LABELS

        key = name.removesuffix("_date") if name.endswith("_date") and name not in DATE_LABELS else name
        key = {"rejected_on": "rejected", "outcome_date": "outcome"}.get(name, key)
        if key in DATE_LABELS:
            return DATE_LABELS[key].removeprefix("记录的")
    return _COMMON_FIELDS.get(name, name)


def _code_labels(table: str, name: str) -> type | None:
    """The vocabulary a stored code of this field comes from (its labels are shown instead)."""
    from branchdesk.domain import development as dev
    from branchdesk.domain import meetings as mtg
    from branchdesk.domain import vocab, votes

    return {
        ("user_account", "role"): __import__("branchdesk.domain.auth", fromlist=["Role"]).Role,
        ("member", "member_type"): vocab.MemberType,
        ("member", "status"): vocab.MemberStatus,
        ("member_status_change", "from_status"): vocab.MemberStatus,
        ("member_status_change", "to_status"): vocab.MemberStatus,
        ("committee_member", "post"): vocab.CommitteePost,
        ("member_award", "kind"): vocab.AwardKind,
        ("dossier", "activist_recommendation"): dev.Recommendation,
        ("dossier", "activist_decided_by"): dev.DecisionBody,
        ("dossier", "candidate_decided_by"): dev.DecisionBody,
        ("dossier", "outcome"): dev.Outcome,
        ("dossier_talk", "kind"): dev.TalkKind,
        ("dossier_filing", "kind"): dev.FilingKind,
        ("dossier_checklist_item", "item"): dev.DossierItem,
        ("dossier_override", "step"): dev.Step,
        ("dossier_vote", "kind"): dev.VoteRecordKind,
        ("meeting", "type"): mtg.MeetingType,
        ("meeting", "mode"): mtg.MeetingMode,
        ("meeting", "status"): mtg.MeetingStatus,
        ("meeting", "audience"): mtg.Audience,
        ("meeting_type", "audience"): mtg.Audience,
        ("meeting_attendance", "status"): mtg.AttendanceStatus,
        ("meeting_attendance", "member_type"): vocab.MemberType,
        ("meeting_attendance", "exclusion_kind"): votes.ExclusionKind,
        ("dossier_vote_exclusion", "kind"): votes.ExclusionKind,
        ("appraisal_grade", "grade"): mtg.AppraisalGrade,
        ("agenda_item", "vote_kind"): mtg.VoteKind,
    }.get((table, name))


# Fields holding the id of another record, and the kind of record (its name is shown instead).
_REFERENCES = {
    "member_id": "member", "chair_member_id": "member", "recorder_member_id": "member",
    "lecturer_member_id": "member", "first_member_id": "member", "second_member_id": "member",
    "dossier_id": "dossier", "meeting_id": "meeting", "group_id": "party_group",
    "custom_type_id": "meeting_type",
}  # fmt: skip
# The record an entry is about, for tables that belong to another one: table -> (field, kind).
_OWNERS = {
    **{t: ("member_id", "member") for t in ("member_status_change", "member_award", "committee_member")},
    **{
        t: ("dossier_id", "dossier")
        for t in _DEVELOPMENT_TABLES
        if t not in ("dossier", "dossier_vote_exclusion")
    },
    **{t: ("meeting_id", "meeting") for t in _MEETING_TABLES if t not in ("meeting", "meeting_type")},
}
_SELF_NAMED = {"member": "name", "dossier": "name", "party_group": "name", "branch": "name",
               "branch_honour": "title", "meeting_type": "name", "dossier_vote_exclusion": "name"}  # fmt: skip
# Rows about a person: linked to the member's row by member_id, or to one of the person's dossiers.
_PERSON_LINKS = ("member_status_change", "member_award", "committee_member", "meeting_attendance",
                 "appraisal_grade", "dossier")  # fmt: skip
MAX_PEOPLE = 200


@dataclass(frozen=True)
class AuditQuery:
    """The audit page's filters. `member_ids`/`dossier_ids` come from `AuditService.match_people`."""

    member_ids: tuple[int, ...] | None = None  # None: anyone
    dossier_ids: tuple[int, ...] = ()
    user: str | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    kind: str | None = None  # a key of ENTITY_KINDS
    text: str = ""  # in the operation's name


@dataclass(frozen=True)
class People:
    """Who a person filter's text matched."""

    member_ids: tuple[int, ...]
    dossier_ids: tuple[int, ...]
    names: tuple[str, ...]
    truncated: bool = False


@dataclass(frozen=True)
class FieldChange:
    field: str
    label: str
    before: str
    after: str


@dataclass(frozen=True)
class AuditRow:
    """One audit entry as the page shows it (a snapshot)."""

    id: int
    seq: int
    at: dt.datetime  # aware, UTC
    user: str
    operation: str
    action: str
    entity: str
    entity_id: int | None
    subject: str  # the record's name where known: "张三", "2026-03-15 支部党员大会"
    changes: tuple[FieldChange, ...]

    @property
    def action_label(self) -> str:
        return ACTION_LABELS.get(self.action, self.action)

    @property
    def entity_label(self) -> str:
        return table_label(self.entity)

    @property
    def what(self) -> str:
        return f"{self.entity_label} {self.subject}".strip()

    @property
    def local_time(self) -> str:
        return self.at.astimezone().strftime("%Y-%m-%d %H:%M:%S")

    def summary(self, limit: int = 6) -> str:
        """The changed fields in one line: "工作单位：计算机学院 → 数学学院；手机号码：…"."""
        owner = _OWNERS.get(self.entity, ("",))[0]  # already named in `what`
        changes = [c for c in self.changes if c.field != owner]
        parts = [_change_text(self.action, c) for c in changes[:limit]]
        if len(changes) > limit:
            parts.append(f"等 {len(changes)} 项")
        return "；".join(parts)

    def details(self) -> str:
        """Every changed field, one per line (the export's cell)."""
        return "\n".join(_change_text(self.action, c) for c in self.changes)


EMPTY = "（空）"


def _change_text(action: str, change: FieldChange) -> str:
    if action == "insert":
        return f"{change.label}：{change.after}"
    if action == "delete":
        return f"{change.label}：{change.before}"
    return f"{change.label}：{change.before} → {change.after}"


class AuditService:
    """Queries of the audit log for the audit page and its export (reads only)."""

    def __init__(self, ws: Workspace):
        self.ws = ws

    # ---- filters --------------------------------------------------------------------------------
    def users(self) -> list[str]:
        from branchdesk.db.models import AuditEntry

        with self.ws.read() as session:
            stmt = select(AuditEntry.user).distinct().where(self.branch_condition())
            return list(session.scalars(stmt.order_by(AuditEntry.user)))

    def branch_condition(self):
        """The entries this workspace shows: its branch's, and the branch-less ones to an administrator
        of the database (see the module's text)."""
        from sqlalchemy import or_

        from branchdesk.db.models import AuditEntry as A

        own = A.branch_id == self.ws.branch_id
        return or_(own, A.branch_id.is_(None)) if self.ws.db.principal.is_admin else own

    def match_people(self, text: str) -> People:
        """Members (any status) and development dossiers whose name, pinyin initials or ID number match."""
        from sqlalchemy import or_

        from branchdesk.db.models import Member
        from branchdesk.db.models_development import DevelopmentDossier as Dossier
        from branchdesk.services.members import MemberQuery

        text = text.strip()
        if not text:
            return People((), (), ())
        member_ids = self.ws.members.search_ids(MemberQuery(text=text, statuses=None), limit=MAX_PEOPLE + 1)
        like = f"%{text}%"
        with self.ws.read() as session:
            dossier_ids = list(
                session.scalars(
                    select(Dossier.id)
                    .where(
                        Dossier.branch_id == self.ws.branch_id,
                        or_(
                            Dossier.name.like(like),
                            Dossier.name_initials.like(f"{text.lower()}%"),
                            Dossier.id_number == text.upper(),
                            Dossier.member_id.in_(member_ids),
                        ),
                    )
                    .order_by(Dossier.name_pinyin, Dossier.id)
                    .limit(MAX_PEOPLE + 1)
                )
            )
            names = dict(
                session.execute(select(Member.id, Member.name).where(Member.id.in_(member_ids))).all()
            )
            dossier_names = session.execute(
                select(Dossier.name).where(Dossier.id.in_(dossier_ids), Dossier.member_id.is_(None))
            ).scalars()
            shown = [names[i] for i in member_ids if i in names] + [n for n in dossier_names if n]
        truncated = len(member_ids) > MAX_PEOPLE or len(dossier_ids) > MAX_PEOPLE
        return People(
            tuple(member_ids[:MAX_PEOPLE]),
            tuple(dossier_ids[:MAX_PEOPLE]),
            tuple(dict.fromkeys(shown)),
            truncated,
        )

    # ---- the id list ------------------------------------------------------------------------------
    def ids(self, query: AuditQuery) -> list[int]:
        """Ids of the matching entries, newest first (in the order they joined the chain)."""
        from branchdesk.db.models import AuditEntry

        with self.ws.read() as session:
            stmt = select(AuditEntry.id)
            for condition in self._conditions(session, query):
                stmt = stmt.where(condition)
            # Core rather than the ORM result: 100,000 ids in about half the time
            return list(session.connection().execute(stmt.order_by(AuditEntry.seq.desc())).scalars())

    def _conditions(self, session, query: AuditQuery) -> list:
        from sqlalchemy import and_, false, or_

        from branchdesk.db.models import AuditEntry as A

        out = [self.branch_condition()]
        if query.member_ids is not None:
            pairs = _person_rows(session, query.member_ids, query.dossier_ids)
            clauses = [
                and_(A.entity == table, A.entity_id.in_(sorted(ids))) for table, ids in pairs.items() if ids
            ]
            out.append(or_(*clauses) if clauses else false())
        if query.user:
            out.append(A.user == query.user)
        if query.date_from is not None:
            out.append(A.at >= _local_midnight(query.date_from))
        if query.date_to is not None:
            out.append(A.at < _local_midnight(query.date_to + dt.timedelta(days=1)))
        if query.kind:
            if query.kind == "other":
                known = [t for _, tables in ENTITY_KINDS.values() for t in tables]
                out.append(A.entity.not_in(known))
            else:
                out.append(A.entity.in_(ENTITY_KINDS[query.kind][1]))
        text = query.text.strip()
        if text:
            escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            out.append(A.operation.like(f"%{escaped}%", escape="\\"))
        return out

    # ---- rows -------------------------------------------------------------------------------------
    def rows(self, ids: list[int]) -> list[AuditRow]:
        """The entries with these ids, in the given order (missing ids skipped)."""
        from branchdesk.db.models import AuditEntry as A

        if not ids:
            return []
        out: dict[int, AuditRow] = {}
        with self.ws.read() as session:
            for start in range(0, len(ids), 500):
                chunk = ids[start : start + 500]
                entries = session.execute(
                    select(
                        A.id, A.seq, A.at, A.user, A.operation, A.action, A.entity, A.entity_id, A.changes
                    ).where(A.id.in_(chunk), self.branch_condition())
                ).all()
                names = _Names(session)
                names.prefetch(entries)
                for e in entries:
                    changes = e.changes if isinstance(e.changes, dict) else {}
                    out[e.id] = AuditRow(
                        id=e.id, seq=e.seq, at=e.at, user=e.user, operation=e.operation, action=e.action,
                        entity=e.entity, entity_id=e.entity_id, subject=names.subject(e),
                        changes=tuple(names.changes(e.entity, changes)),
                    )  # fmt: skip
        return [out[i] for i in ids if i in out]


def _local_midnight(day: dt.date) -> dt.datetime:
    """The start of a day in the computer's time zone, as an aware datetime."""
    return dt.datetime(day.year, day.month, day.day).astimezone()


def _person_rows(session, member_ids, dossier_ids) -> dict[str, set[int]]:
    """table -> ids of the rows about these people: the member rows, rows linked to them by member_id,
    their dossiers and the dossiers' own rows. Rows deleted since are found through their delete
    entries (which keep every value), so their whole history shows too."""
    import json

    from branchdesk.db.models import AuditEntry as A
    from branchdesk.db.models import full_metadata

    tables = full_metadata().tables
    members = set(member_ids)
    found: dict[str, set[int]] = {"member": set(members), "dossier": set(dossier_ids)}

    def linked(table_names, column: str, parents: set[int]) -> None:
        if not parents:
            return
        parent_list = sorted(parents)
        for name in table_names:
            t = tables[name]
            found.setdefault(name, set()).update(
                session.scalars(select(t.c.id).where(t.c[column].in_(parent_list)))
            )
        deleted = session.execute(
            select(A.entity, A.entity_id, type_coerce(A.changes, Text))
            .where(A.action == "delete", A.entity.in_(list(table_names)))
        ).all()  # fmt: skip
        for entity, entity_id, text in deleted:
            before = (json.loads(text).get(column) or [None])[0]
            if before in parents and entity_id is not None:
                found.setdefault(entity, set()).add(entity_id)

    linked(_PERSON_LINKS, "member_id", members)
    children = [t for t, (column, _) in _OWNERS.items() if column == "dossier_id"]
    linked(children, "dossier_id", found["dossier"])
    return found


class _Names:
    """Names of the records entries refer to, read in a few queries per block of rows."""

    def __init__(self, session):
        self.session = session
        self.names: dict[str, dict[int, str]] = {}
        self.owners: dict[tuple[str, int], int | None] = {}

    def prefetch(self, entries) -> None:
        from branchdesk.db.models import full_metadata

        tables = full_metadata().tables
        wanted: dict[str, set[int]] = {}
        missing_owner: dict[str, set[int]] = {}
        for e in entries:
            changes = e.changes if isinstance(e.changes, dict) else {}
            for field_name, value in changes.items():
                kind = _REFERENCES.get(field_name)
                if kind and isinstance(value, list):
                    wanted.setdefault(kind, set()).update(v for v in value if isinstance(v, int))
            if e.entity_id is None:
                continue
            if e.entity in _SELF_NAMED or e.entity == "meeting":
                wanted.setdefault(e.entity, set()).add(e.entity_id)
            elif e.entity in _OWNERS:
                column, kind = _OWNERS[e.entity]
                owner = _value(changes.get(column))
                if owner is None:
                    missing_owner.setdefault(e.entity, set()).add(e.entity_id)
                else:
                    self.owners[(e.entity, e.entity_id)] = owner
                    wanted.setdefault(kind, set()).add(owner)
        for table_name, ids in missing_owner.items():
            column, kind = _OWNERS[table_name]
            t = tables[table_name]
            for row_id, owner in self.session.execute(
                select(t.c.id, t.c[column]).where(t.c.id.in_(sorted(ids)))
            ):
                self.owners[(table_name, row_id)] = owner
                if owner is not None:
                    wanted.setdefault(kind, set()).add(owner)
        for kind, ids in wanted.items():
            self._load(tables, kind, ids)

    def _load(self, tables, kind: str, ids: set[int]) -> None:
        known = self.names.setdefault(kind, {})
        ids = {i for i in ids if i not in known}
        if not ids:
            return
        t = tables[kind]
        if kind == "meeting":
            from branchdesk.domain.meetings import MeetingType

            labels = dict(MeetingType.choices())
            query = select(t.c.id, t.c.date, t.c.type, t.c.custom_type_name).where(t.c.id.in_(sorted(ids)))
            for row_id, day, code, custom in self.session.execute(query):
                known[row_id] = f"{day.isoformat()} {custom or labels.get(code, code)}"
            return
        column = _SELF_NAMED.get(kind, "name")
        query = select(t.c.id, t.c[column]).where(t.c.id.in_(sorted(ids)))
        known.update({row_id: str(name) for row_id, name in self.session.execute(query)})

    def subject(self, e) -> str:
        changes = e.changes if isinstance(e.changes, dict) else {}
        if e.entity in _SELF_NAMED or e.entity == "meeting":
            name = self.names.get(e.entity, {}).get(e.entity_id) if e.entity_id is not None else None
            if name is None:  # deleted since: the entry keeps it
                field_name = _SELF_NAMED.get(e.entity, "name")
                name = _value(changes.get(field_name)) or _value(changes.get("key")) or ""
            return str(name)
        if e.entity in _OWNERS and e.entity_id is not None:
            _, kind = _OWNERS[e.entity]
            owner = self.owners.get((e.entity, e.entity_id))
            return self.names.get(kind, {}).get(owner, "") if owner is not None else ""
        if e.entity == "setting":
            return str(_value(changes.get("key")) or "")
        return ""

    def changes(self, table: str, changes: dict) -> list[FieldChange]:
        out = []
        # a paper date whose precision the entry holds too reads as on paper ("2014年3月")
        precisions = {
            f.removesuffix("_precision"): v
            for f, v in changes.items()
            if f.endswith("_precision") and isinstance(v, list) and len(v) == 2
        }
        for field_name in sorted(changes, key=lambda f: _field_order(table, f)):
            value = changes[field_name]
            if field_name in _HIDDEN_FIELDS or not isinstance(value, list) or len(value) != 2:
                continue
            if value[0] == value[1] and value[0] is not None:
                continue  # the name of a record known by a text key (a setting), not a change
            before, after = (
                _paper_date(v, p) or self._text(table, field_name, v)
                for v, p in zip(value, precisions.get(field_name, (None, None)), strict=True)
            )
            out.append(FieldChange(field_name, field_label(table, field_name), before, after))
        return out

    def _text(self, table: str, name: str, value: Any) -> str:
        if value is None or value == "" or value == []:
            return EMPTY
        if isinstance(value, bool):
            return "是" if value else "否"
        kind = _REFERENCES.get(name)
        if kind and isinstance(value, int):
            return self.names.get(kind, {}).get(value) or f"（编号 {value}）"
        if name.endswith("_fen") and isinstance(value, int):
            from decimal import Decimal

            return f"{Decimal(value) / 100:.2f} 元"
        if isinstance(value, list):
            return "、".join(str(v) for v in value)
        if isinstance(value, dict):
            import json

            return json.dumps(value, ensure_ascii=False)
        if isinstance(value, str) and len(value) >= 19 and value[10] == "T":  # a time, as the entry keeps it
            try:
                when = dt.datetime.fromisoformat(value)
            except ValueError:
                return value
            return (when.astimezone() if when.tzinfo else when).strftime("%Y-%m-%d %H:%M:%S")
        if name.endswith("_precision") and isinstance(value, str):  # 0014: a paper date's precision
            return PRECISION_LABELS.get(value, value)
        vocabulary = _code_labels(table, name)
        if vocabulary is not None and isinstance(value, str):
            try:
                return vocabulary(value).label
            except ValueError:
                return value
        return str(value)


def _paper_date(value: Any, precision: Any) -> str:
    """A stored date known only to the year or month as written ("2014年3月"); "" otherwise."""
    if precision not in ("year", "month") or not isinstance(value, str) or len(value) != 10:
        return ""
    from branchdesk.domain.partial_dates import partial_text

    try:
        return partial_text(dt.date.fromisoformat(value), precision)
    except ValueError:
        return ""


def _value(pair: Any) -> Any:
    """The value of a [before, after] pair that is not None (after first)."""
    if isinstance(pair, list) and len(pair) == 2:
        return pair[1] if pair[1] is not None else pair[0]
    return None


def _field_order(table: str, name: str) -> tuple[int, str]:
    """Fields in the order forms show them: the member form's for members, else the table's columns."""
    from branchdesk.db.models import full_metadata

    if table == "member":
        from branchdesk.domain.vocab import MEMBER_FIELD_LABELS

        keys = list(MEMBER_FIELD_LABELS)
    else:
        t = full_metadata().tables.get(table)
        keys = list(t.c.keys()) if t is not None else []
    return (keys.index(name), name) if name in keys else (len(keys), name)
