"""The audit log (审计日志): checking it (`verify`) and reading it for the audit page and its export.

`verify(db)` checks the database itself (SQLite: ``PRAGMA integrity_check`` and ``foreign_key_check``;
PostgreSQL: every foreign key by query, and that no table's triggers — which enforce the foreign keys —
were switched off) and walks the audit chain (see `db/uow.py`) entry by entry, naming in Chinese each
entry that was changed, each gap where entries were deleted, entries whose hash was recomputed, and a
missing or extra tail. `branchdesk verify` and the 校验 button of the audit page call it.

`AuditService` answers the audit page: filtered id lists (newest first, in SQL), rows fetched by id as
snapshots (`AuditRow`), the Chinese labels of tables and fields, and the export ledger.

What the chain can and cannot show: anyone who edits the database outside the program without
recomputing the hashes is detected. Someone who knows the algorithm and rewrites every hash after the
edited entry (and the head) is not: the hash has no secret key, as there is nowhere on a shared office
PC to keep one from that person.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any

from sqlalchemy import Text, func, select, type_coerce

from branchdesk.db.uow import _ENTRY, _HEAD, GENESIS, at_text, entry_hash

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

    @property
    def ok(self) -> bool:
        return not self.integrity and not self.chain

    def summary(self) -> str:
        """One sentence for the end of the report."""
        where = "数据库文件" if self.dialect == "sqlite" else "数据库"
        if self.ok:
            return f"校验通过：{where}完整，{self.entries} 条审计记录的校验链完整，未发现改动。"
        parts = []
        if self.integrity:
            parts.append(f"{where}有 {len(self.integrity)} 处问题")
        if self.chain or self.unlisted:
            parts.append(f"审计记录有 {len(self.chain) + self.unlisted} 处问题")
        return f"校验未通过：{'，'.join(parts)}（共检查 {self.entries} 条审计记录）。"

    def lines(self) -> list[str]:
        """Every problem, one line each, then the summary."""
        out = [p.message for p in self.integrity] + [p.message for p in self.chain]
        if self.unlisted:
            out.append(f"另有 {self.unlisted} 处审计记录问题未逐条列出。")
        return [*out, self.summary()]

    def to_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "database": self.dialect,
            "entries": self.entries,
            "last_seq": self.last_seq,
            "integrity": [asdict(p) for p in self.integrity],
            "chain": [asdict(p) for p in self.chain],
            "unlisted": self.unlisted,
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
        conn.rollback()
    return report


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
