"""Readiness for the 红旗党支部 / 样板支部 visit (issue 16): rubrics per year, the scored self-assessment
with its evidence and actions, manual scores with attachments, dated saved copies, the annual plan and
the annual summary (``ws.readiness``).

The metrics come from services/readiness_metrics (one registry; areas that land later plug theirs in).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import delete, select

from branchdesk.domain.errors import NotFoundError
from branchdesk.domain.rubric import (
    DEFAULT_RUBRIC,
    Assessment,
    ManualScore,
    Rubric,
    RubricError,
    builtin_names,
    builtin_rubric,
    dec,
    points_text,
    score_rubric,
)
from branchdesk.services.scope import own

if TYPE_CHECKING:
    from branchdesk.workspace import Workspace

__all__ = ["AttachmentChecksumError", "PlanItem", "ReadinessService", "SavedAssessment"]


@dataclass(frozen=True)
class SavedAssessment:
    id: int
    rubric_name: str
    year: int
    made_on: dt.date
    score: Decimal
    max: Decimal
    made_by: str
    note: str = ""


@dataclass(frozen=True)
class PlanItem:
    id: int | None
    year: int
    due_date: dt.date
    title: str
    area: str = ""
    done_on: dt.date | None = None
    notes: str = ""


class AttachmentChecksumError(ValueError):
    """A stored attachment's bytes no longer match the checksum taken when it was added."""


class ReadinessService:
    def __init__(self, ws: Workspace):
        self.ws = ws

    # ------------------------------------------------------------------ rubrics
    def rubric_names(self) -> list[str]:
        """The shipped rubrics, then the branch's own (imported under another name), in that order."""
        from branchdesk.db.models_readiness import RubricRow

        with self.ws.read() as session:
            own = session.scalars(
                select(RubricRow.name).where(RubricRow.branch_id == self.ws.branch_id).order_by(RubricRow.id)
            ).all()
        return list(dict.fromkeys([*builtin_names(), *own]))

    def rubric(self, name: str | None = None, year: int | None = None) -> Rubric:
        """The rubric ``name`` for ``year``: the branch's copy of that year, else its latest earlier copy,
        else the shipped one. NotFoundError naming the rubrics there are."""
        from branchdesk.db.models_readiness import RubricRow

        name = (name or DEFAULT_RUBRIC).strip()
        year = year or dt.date.today().year
        with self.ws.read() as session:
            row = session.execute(
                select(RubricRow.content, RubricRow.year)
                .where(
                    RubricRow.branch_id == self.ws.branch_id, RubricRow.name == name, RubricRow.year <= year
                )
                .order_by(RubricRow.year.desc())
                .limit(1)
            ).first()
            if row is None:  # only later copies: the earliest of them
                row = session.execute(
                    select(RubricRow.content, RubricRow.year)
                    .where(RubricRow.branch_id == self.ws.branch_id, RubricRow.name == name)
                    .order_by(RubricRow.year)
                    .limit(1)
                ).first()
        if row is not None:
            return Rubric.from_dict(row.content).for_year(year)
        if name in builtin_names():
            return builtin_rubric(name).for_year(year)
        raise NotFoundError(f"没有名为“{name}”的评分细则（现有：{'、'.join(self.rubric_names())}）")

    def rubric_years(self, name: str) -> list[int]:
        """The years the branch keeps its own copy of ``name`` for."""
        from branchdesk.db.models_readiness import RubricRow

        with self.ws.read() as session:
            return list(
                session.scalars(
                    select(RubricRow.year)
                    .where(RubricRow.branch_id == self.ws.branch_id, RubricRow.name == name)
                    .order_by(RubricRow.year)
                )
            )

    def save_rubric(self, rubric: Rubric, year: int | None = None) -> Rubric:
        """Store ``rubric`` as the branch's version for ``year`` (default its own year, else this year);
        an assessment saved earlier keeps the rubric it was made with."""
        from branchdesk.db.models_readiness import RubricRow

        year = year or rubric.year or dt.date.today().year
        problems = rubric.problems()
        if problems:
            raise RubricError(problems)
        content = rubric.for_year(year).to_dict()
        with self.ws.write(f"保存评分细则：{rubric.name}（{year}年）") as session:
            row = session.scalar(
                select(RubricRow).where(
                    RubricRow.branch_id == self.ws.branch_id,
                    RubricRow.name == rubric.name,
                    RubricRow.year == year,
                )
            )
            if row is None:
                session.add(RubricRow(branch_id=self.ws.branch_id, name=rubric.name, year=year, content=content,
                                      updated_by=self.ws.user))  # fmt: skip
            else:
                row.content = content
                row.updated_at = dt.datetime.now(dt.UTC)
                row.updated_by = self.ws.user
        return rubric.for_year(year)

    def import_rubric(self, path: str | Path, *, name: str | None = None, year: int | None = None) -> Rubric:
        """Read a rubric sheet (.xlsx, as :meth:`export_rubric` writes it) and store it; a bad file is
        refused with every problem named by row and field (RubricError), and nothing is changed."""
        from branchdesk.services.readiness_metrics import metric_labels
        from branchdesk.services.rubric_xlsx import read_rubric

        rubric = read_rubric(Path(path), name=name, year=year, known_metrics=set(metric_labels()) | _FUTURE)
        return self.save_rubric(rubric, rubric.year or year)

    def export_rubric(self, path: str | Path, name: str | None = None, year: int | None = None) -> Path:
        from branchdesk.services.readiness_metrics import metric_labels
        from branchdesk.services.rubric_xlsx import write_rubric

        return write_rubric(self.rubric(name, year), Path(path), {**_FUTURE_LABELS, **metric_labels()})

    # ------------------------------------------------------------------ scores
    def metrics(self, year: int, as_of: dt.date | None = None, names=None):
        from branchdesk.services.readiness_metrics import compute_metrics

        return compute_metrics(self.ws, year, as_of, names)

    def manual_scores(self, name: str, year: int) -> dict[str, ManualScore]:
        from branchdesk.db.models_readiness import AssessmentAttachmentRow, AssessmentScoreRow

        with self.ws.read() as session:
            rows = session.execute(
                select(AssessmentScoreRow.id, AssessmentScoreRow.item_key, AssessmentScoreRow.score,
                       AssessmentScoreRow.comment)
                .where(AssessmentScoreRow.branch_id == self.ws.branch_id, AssessmentScoreRow.rubric_name == name,
                       AssessmentScoreRow.year == year)
            ).all()  # fmt: skip
            files: dict[int, list[str]] = {}
            if rows:
                for sid, fname in session.execute(
                    select(AssessmentAttachmentRow.score_id, AssessmentAttachmentRow.file_name)
                    .where(AssessmentAttachmentRow.score_id.in_([r.id for r in rows]))
                    .order_by(AssessmentAttachmentRow.id)
                ):
                    files.setdefault(sid, []).append(fname)
        return {r.item_key: ManualScore(dec(r.score), r.comment, tuple(files.get(r.id, ()))) for r in rows}

    def set_manual_score(
        self, name: str, year: int, item_key: str, score: Decimal | int | str | None, comment: str = ""
    ) -> None:
        """Score an item by hand (None clears it). The score lies between 0 and the item's points."""
        from branchdesk.db.models_readiness import AssessmentScoreRow

        rubric = self.rubric(name, year)
        try:
            item = rubric.item(item_key)
        except KeyError:
            raise NotFoundError(f"评分细则“{name}”没有编号为 {item_key} 的项目") from None
        with self.ws.write(f"自评打分：{item.name}") as session:
            row = session.scalar(
                select(AssessmentScoreRow).where(
                    AssessmentScoreRow.branch_id == self.ws.branch_id, AssessmentScoreRow.rubric_name == name,
                    AssessmentScoreRow.year == year, AssessmentScoreRow.item_key == item_key,
                )
            )  # fmt: skip
            if score is None:
                if row is not None:
                    session.delete(row)
                return
            value = dec(score)
            if value < 0 or value > item.points:
                raise RubricError([f"“{item.name}”的得分应在0到{points_text(item.points)}分之间"])
            if row is None:
                session.add(AssessmentScoreRow(branch_id=self.ws.branch_id, rubric_name=name, year=year,
                                               item_key=item_key, score=points_text(value), comment=comment,
                                               scored_by=self.ws.user))  # fmt: skip
            else:
                row.score, row.comment = points_text(value), comment
                row.scored_at, row.scored_by = dt.datetime.now(dt.UTC), self.ws.user

    def attach(self, name: str, year: int, item_key: str, path: str | Path, note: str = "") -> int:
        """Attach a file (the branch's rules documents …) to an item's manual score (scored 0 until scored)."""
        from branchdesk.db.models_readiness import AssessmentAttachmentRow, AssessmentScoreRow

        path = Path(path)
        content = path.read_bytes()
        try:
            self.rubric(name, year).item(item_key)
        except KeyError:
            raise NotFoundError(f"评分细则“{name}”没有编号为 {item_key} 的项目") from None
        with self.ws.write(f"添加自评佐证材料：{path.name}") as session:  # one unit of work, one entry
            sid = session.scalar(
                select(AssessmentScoreRow.id).where(
                    AssessmentScoreRow.branch_id == self.ws.branch_id, AssessmentScoreRow.rubric_name == name,
                    AssessmentScoreRow.year == year, AssessmentScoreRow.item_key == item_key,
                )
            )  # fmt: skip
            if sid is None:  # attached before it is scored: the score row (0 until scored) holds the file
                score = AssessmentScoreRow(branch_id=self.ws.branch_id, rubric_name=name, year=year,
                                           item_key=item_key, score="0", comment="", scored_by=self.ws.user)  # fmt: skip
                session.add(score)
                session.flush()
                sid = score.id
            row = AssessmentAttachmentRow(score_id=sid, file_name=path.name[:200], sha256=hashlib.sha256(content).hexdigest(),
                                          size=len(content), content=content, note=note, added_by=self.ws.user)  # fmt: skip
            session.add(row)
            session.flush()
            return row.id

    def item_attachments(self, name: str, year: int, item_key: str) -> list[tuple[int, str]]:
        """(id, file name) of the files attached to an item's manual score, in the order they were added
        (the order of :attr:`ManualScore.attachments`)."""
        from branchdesk.db.models_readiness import AssessmentAttachmentRow, AssessmentScoreRow

        with self.ws.read() as session:
            rows = session.execute(
                select(AssessmentAttachmentRow.id, AssessmentAttachmentRow.file_name)
                .join(AssessmentScoreRow, AssessmentScoreRow.id == AssessmentAttachmentRow.score_id)
                .where(AssessmentScoreRow.branch_id == self.ws.branch_id, AssessmentScoreRow.rubric_name == name,
                       AssessmentScoreRow.year == year, AssessmentScoreRow.item_key == item_key)
                .order_by(AssessmentAttachmentRow.id)
            ).all()  # fmt: skip
        return [(r.id, r.file_name) for r in rows]

    def attachment_content(self, attachment_id: int) -> tuple[str, bytes]:
        """The file name and stored bytes of an item's attachment, verified against the checksum
        (:class:`AttachmentChecksumError` when they differ)."""
        from branchdesk.db.models_readiness import AssessmentAttachmentRow, AssessmentScoreRow

        with self.ws.read() as session:
            row = session.get(AssessmentAttachmentRow, attachment_id)
            score = session.get(AssessmentScoreRow, row.score_id) if row is not None else None
            if score is None or score.branch_id != self.ws.branch_id:
                raise NotFoundError(f"没有编号为 {attachment_id} 的佐证材料")
            content = bytes(row.content)
            if hashlib.sha256(content).hexdigest() != row.sha256:
                raise AttachmentChecksumError(
                    f"佐证材料“{row.file_name}”的内容与保存时的校验值不符，可能已损坏"
                )
            return row.file_name, content

    def assess(
        self, year: int, rubric: str | Rubric | None = None, as_of: dt.date | None = None
    ) -> Assessment:
        """The scored self-assessment of ``year`` by the rubric (its name, or a rubric; default 红旗党支部)."""
        r = rubric if isinstance(rubric, Rubric) else self.rubric(rubric, year)
        metrics = self.metrics(year, as_of, names=r.metrics())
        inputs_as_of = min(as_of or dt.date.today(), dt.date(year, 12, 31) + dt.timedelta(days=1))
        return score_rubric(r, year, metrics, self.manual_scores(r.name, year), inputs_as_of)

    # ------------------------------------------------------------------ saved copies
    def save_assessment(self, assessment: Assessment, note: str = "", on: dt.date | None = None) -> int:
        """Keep a dated copy: the rubric it was made with and every item's score, evidence and comment."""
        from branchdesk.db.models_readiness import AssessmentRow

        result = assessment.to_dict()
        for d, dim in zip(result["dimensions"], assessment.dimensions, strict=True):
            for i, item in zip(d["items"], dim.items, strict=True):
                i["key"], i["comment"], i["summary"] = item.item.key, item.comment, item.summary
                i["scored"] = item.scored
        with self.ws.write(f"保存自评：{assessment.rubric.name}（{assessment.year}年）") as session:
            row = AssessmentRow(
                branch_id=self.ws.branch_id, rubric_name=assessment.rubric.name, year=assessment.year,
                made_on=on or dt.date.today(), rubric=assessment.rubric.to_dict(), result=result,
                score=points_text(assessment.score), max_score=points_text(assessment.max), note=note,
                made_by=self.ws.user,
            )  # fmt: skip
            session.add(row)
            session.flush()
            return row.id

    def saved(self, year: int | None = None) -> list[SavedAssessment]:
        from branchdesk.db.models_readiness import AssessmentRow

        with self.ws.read() as session:
            q = select(AssessmentRow.id, AssessmentRow.rubric_name, AssessmentRow.year, AssessmentRow.made_on,
                       AssessmentRow.score, AssessmentRow.max_score, AssessmentRow.made_by,
                       AssessmentRow.note).where(AssessmentRow.branch_id == self.ws.branch_id)  # fmt: skip
            if year is not None:
                q = q.where(AssessmentRow.year == year)
            return [
                SavedAssessment(r.id, r.rubric_name, r.year, r.made_on, dec(r.score), dec(r.max_score), r.made_by,
                                r.note)
                for r in session.execute(q.order_by(AssessmentRow.made_on.desc(), AssessmentRow.id.desc()))
            ]  # fmt: skip

    def saved_copy(self, assessment_id: int) -> tuple[Rubric, dict[str, Any]]:
        """The rubric a saved assessment was made with, and its result."""
        from branchdesk.db.models_readiness import AssessmentRow

        with self.ws.read() as session:
            row = own(session, AssessmentRow, assessment_id, self.ws.branch_id, "自评记录")
            return Rubric.from_dict(row.rubric), dict(row.result)

    # ------------------------------------------------------------------ the annual plan
    def plan_items(self, year: int | None = None, *, open_only: bool = False) -> list[PlanItem]:
        from branchdesk.db.models_readiness import PlanItemRow

        with self.ws.read() as session:
            q = select(PlanItemRow).where(PlanItemRow.branch_id == self.ws.branch_id)
            if year is not None:
                q = q.where(PlanItemRow.year == year)
            if open_only:
                q = q.where(PlanItemRow.done_on.is_(None))
            return [
                PlanItem(r.id, r.year, r.due_date, r.title, r.area, r.done_on, r.notes)
                for r in session.scalars(q.order_by(PlanItemRow.due_date, PlanItemRow.id))
            ]

    def add_plan_item(self, item: PlanItem) -> int:
        from branchdesk.db.models_readiness import PlanItemRow

        if not item.title.strip():
            raise RubricError(["计划事项的内容不能为空"])
        with self.ws.write(f"新增年度工作计划事项：{item.title}") as session:
            row = PlanItemRow(branch_id=self.ws.branch_id, year=item.year, due_date=item.due_date,
                              title=item.title.strip(), area=item.area, done_on=item.done_on, notes=item.notes)  # fmt: skip
            session.add(row)
            session.flush()
            return row.id

    def complete_plan_item(self, item_id: int, on: dt.date | None = None) -> None:
        from branchdesk.db.models_readiness import PlanItemRow

        with self.ws.write("完成年度工作计划事项") as session:
            row = session.get(PlanItemRow, item_id)
            if row is None or row.branch_id != self.ws.branch_id:
                raise NotFoundError(f"没有编号为 {item_id} 的计划事项")
            row.done_on = on or dt.date.today()

    def delete_plan_item(self, item_id: int) -> None:
        from branchdesk.db.models_readiness import PlanItemRow

        with self.ws.write("删除年度工作计划事项") as session:
            session.execute(
                delete(PlanItemRow).where(
                    PlanItemRow.id == item_id, PlanItemRow.branch_id == self.ws.branch_id
                )
            )

    # ------------------------------------------------------------------ the annual summary
    def summary_text(self, year: int) -> str:
        """The edited 年度工作总结 of ``year``, else the draft from the year's figures."""
        from branchdesk.db.models_readiness import AnnualSummaryRow

        with self.ws.read() as session:
            text = session.scalar(
                select(AnnualSummaryRow.text).where(
                    AnnualSummaryRow.branch_id == self.ws.branch_id, AnnualSummaryRow.year == year
                )
            )
        return text if text else self.summary_draft(year)

    def summary_edited(self, year: int) -> bool:
        from branchdesk.db.models_readiness import AnnualSummaryRow

        with self.ws.read() as session:
            return bool(
                session.scalar(
                    select(AnnualSummaryRow.id).where(
                        AnnualSummaryRow.branch_id == self.ws.branch_id, AnnualSummaryRow.year == year
                    )
                )
            )

    def save_summary(self, year: int, text: str) -> None:
        from branchdesk.db.models_readiness import AnnualSummaryRow

        with self.ws.write(f"保存{year}年度工作总结") as session:
            row = session.scalar(
                select(AnnualSummaryRow).where(
                    AnnualSummaryRow.branch_id == self.ws.branch_id, AnnualSummaryRow.year == year
                )
            )
            if row is None:
                session.add(
                    AnnualSummaryRow(
                        branch_id=self.ws.branch_id, year=year, text=text, updated_by=self.ws.user
                    )
                )
            else:
                row.text, row.updated_at, row.updated_by = text, dt.datetime.now(dt.UTC), self.ws.user

    def summary_draft(self, year: int) -> str:
        """A draft 年度工作总结 from the year's figures (meetings by type, talks, admissions and
        conversions, honours …), for the secretary to edit."""
        from branchdesk.services.annual_summary import draft

        return draft(self.ws, year)


#: Metrics of areas not on this branch yet (dues, activities, study hours, assignments): a rubric may name
#: them; their items are scored by hand until the area registers the metric.
_FUTURE_LABELS = {
    "dues.on_time": "按时足额交纳党费的党员比例（党费模块上线后自动计分）",
    "study.hours_32": "年度学习学时达32学时的党员比例（学习学时模块上线后自动计分）",
    "activities.volunteer": "参加志愿服务的党员比例（活动模块上线后自动计分）",
    "assignments.coverage": "有联系服务对象的党员比例（联系服务模块上线后自动计分）",
    "assignments.model_posts": "党员示范岗数量（联系服务模块上线后自动计分）",
}
_FUTURE = set(_FUTURE_LABELS)
