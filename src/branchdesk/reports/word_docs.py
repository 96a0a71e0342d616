"""The Word documents a secretary writes for each step (生成材料): 谈话记录, 公示, 登记表, 请示, 决议 ….

Each is a `DocSpec`: a name (the command line's and the template file's), a title, whether it is made
for a person (a development dossier) or for a meeting, and the fields its template may use. The values
come from the dossier (and the person's member file when there is one), the meeting record and the
branch profile. ``branchdesk docs --list`` lists them; ``branchdesk docs NAME --person 张三 -o 张三.docx``
makes one; the dossier and meeting windows offer them under 生成材料.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    from branchdesk.domain.development import Dossier
    from branchdesk.domain.meetings import Meeting
    from branchdesk.workspace import Workspace

Needs = Literal["person", "meeting"]


@dataclass(frozen=True)
class DocSpec:
    name: str  # the template file (NAME.docx) and `branchdesk docs NAME`
    title: str
    needs: Needs


DOCS: list[DocSpec] = [
    DocSpec("applicant_talk", "入党申请人谈话记录", "person"),
    DocSpec("activist_publicity", "入党积极分子公示", "person"),
    DocSpec("candidate_publicity", "发展对象公示", "person"),
    DocSpec("assessment_form", "入党积极分子培养考察登记表", "person"),
    DocSpec("political_review_letter", "政治审查函", "person"),
    DocSpec("prereview_request", "关于发展预备党员的预审请示", "person"),
    DocSpec("approval_request", "关于接收预备党员的审批请示", "person"),
    DocSpec("admission_resolution", "支部大会关于接收预备党员的决议", "person"),
    DocSpec("conversion_resolution", "支部大会关于预备党员转正的决议", "person"),
    DocSpec("conversion_publicity", "预备党员转正公示", "person"),
    DocSpec("meeting_notice", "会议通知", "meeting"),
    DocSpec("meeting_minutes", "会议记录", "meeting"),
]

COMMON_FIELDS = ("支部名称", "上级党委", "支部地址", "今天", "年份")
PERSON_FIELDS = (
    "姓名", "性别", "民族", "出生日期", "籍贯", "学历", "公民身份号码", "工作单位及职务", "递交申请书日期",
    "谈话日期", "谈话人", "谈话地点", "谈话内容", "确定积极分子日期", "推荐方式", "培养联系人",
    "确定发展对象日期", "公示开始日期", "公示结束日期", "入党介绍人", "政治审查日期", "政治审查结论",
    "集中培训时间", "集中培训学时", "支委会审查日期", "预审日期", "入党志愿书编号", "接收大会日期",
    "接收应到", "接收实到", "接收赞成", "接收反对", "接收弃权", "审批日期", "入党日期", "预备期满日期",
    "转正申请日期", "转正大会日期", "转正应到", "转正实到", "转正赞成", "转正反对", "转正弃权",
    "转正公示开始日期", "转正公示结束日期",
)  # fmt: skip
MEETING_FIELDS = (
    "会议名称", "会议类型", "会议日期", "会议时间", "会议地点", "主持人", "记录人", "授课人", "会议主题",
    "应到人数", "实到人数", "出席人员", "缺席人员", "列席人员", "会议议程", "发言记录", "会议决定",
    "参会人员",
)  # fmt: skip

#: the working days a publicity runs when the dossier has none recorded (the branch's rule setting)
_PUBLICITY_DAYS = 5


def doc_spec(name: str) -> DocSpec:
    for spec in DOCS:
        if spec.name == name:
            return spec
    names = "、".join(f"{s.name}（{s.title}）" for s in DOCS)
    raise KeyError(f"没有名为 {name} 的文书（可用：{names}）")


def known_fields(spec: DocSpec) -> tuple[str, ...]:
    return COMMON_FIELDS + (PERSON_FIELDS if spec.needs == "person" else MEETING_FIELDS)


# ---------------------------------------------------------------------------- values
def _d(day: dt.date | None) -> str:
    from branchdesk.domain.dates import format_date

    return format_date(day) if day else ""


def _common(ws: Workspace, today: dt.date) -> dict[str, Any]:
    profile = ws.branch.profile()
    return {
        "支部名称": profile.name,
        "上级党委": profile.higher_committee or "上级党委",
        "支部地址": profile.address,
        "今天": _d(today),
        "年份": str(today.year),
    }


def find_dossier(ws: Workspace, who: str) -> Dossier:
    """A development dossier by its id or the person's name (one match) — a Chinese error otherwise."""
    from branchdesk.domain.errors import NotFoundError

    dossiers = ws.development.all()
    if who.isdigit():
        found = [d for d in dossiers if d.id == int(who)]
    else:
        found = [d for d in dossiers if d.person.name == who.strip()]
    if not found:
        raise NotFoundError(f"没有找到 {who} 的发展党员档案")
    if len(found) > 1:
        ids = "、".join(str(d.id) for d in found)
        raise NotFoundError(f"有 {len(found)} 份 {who} 的发展党员档案（编号 {ids}），请用编号指定")
    return found[0]


def _vote(prefix: str, vote) -> dict[str, Any]:
    keys = ("应到", "实到", "赞成", "反对", "弃权")
    if vote is None:
        return {f"{prefix}{k}": "" for k in keys}
    yes = vote.yes + (vote.written_yes if vote.written_before_meeting else 0)
    no = vote.no + (vote.written_no if vote.written_before_meeting else 0)
    abstain = vote.abstain + (vote.written_abstain if vote.written_before_meeting else 0)
    return dict(
        zip((f"{prefix}{k}" for k in keys), (vote.expected, vote.present, yes, no, abstain), strict=True)
    )


def _publicity_end(start: dt.date) -> dt.date:
    from branchdesk.domain.dates import add_working_days

    return add_working_days(start, _PUBLICITY_DAYS - 1)


def person_values(ws: Workspace, d: Dossier) -> dict[str, Any]:
    from branchdesk.domain.dev_exchange import person_names, sex_of

    member = None
    member_id = ws.development.member_id(d.id) if d.id is not None else None
    if member_id is not None:
        member = ws.members.get(member_id)
    elif d.person.id_number:
        member = ws.members.find_by_id_number(d.person.id_number)
    talk = d.first_talk
    review = d.political_review
    training = d.training
    unit = "，".join(x for x in ((member.work_unit, member.post) if member else ()) if x)
    values: dict[str, Any] = {
        "姓名": d.person.name,
        "性别": (member.sex if member else "") or sex_of(d.person.id_number or ""),
        "民族": member.ethnicity if member else "",
        "出生日期": _d(d.person.birth_date),
        "籍贯": member.native_place if member else "",
        "学历": member.education if member else "",
        "公民身份号码": d.person.id_number or "",
        "工作单位及职务": unit,
        "递交申请书日期": _d(d.application_date),
        "谈话日期": _d(talk.date) if talk else "",
        "谈话人": "、".join(talk.interviewers) if talk else "",
        "谈话地点": talk.place if talk else "",
        "谈话内容": talk.summary if talk else "",
        "确定积极分子日期": _d(d.activist_date),
        "推荐方式": d.activist_recommendation.label if d.activist_recommendation else "",
        "培养联系人": person_names(d.contacts),
        "确定发展对象日期": _d(d.candidate_date),
        "入党介绍人": person_names(d.sponsors),
        "政治审查日期": _d(review.date) if review else "",
        "政治审查结论": (review.conclusion or ("合格" if review.passed else "不合格")) if review else "",
        "集中培训时间": f"{_d(training.start)}至{_d(training.end)}" if training else "",
        "集中培训学时": str(training.hours) if training and training.hours else "",
        "支委会审查日期": _d(d.committee_review_date),
        "预审日期": _d(d.pre_review.date) if d.pre_review else "",
        "入党志愿书编号": d.volunteer_form_number,
        "接收大会日期": _d(d.admission_meeting_date),
        "审批日期": _d(d.approval.date) if d.approval else "",
        "入党日期": _d(d.admission_meeting_date),
        "预备期满日期": _d(d.probation_end),
        "转正申请日期": _d(d.conversion_application_date),
        "转正大会日期": _d(d.conversion_meeting_date),
        **_vote("接收", d.admission_vote),
        **_vote("转正", d.conversion_vote),
    }
    # a publicity: the recorded one; else five working days from the decision (a draft to adjust)
    publicity = d.publicity
    start = publicity.start if publicity else (d.candidate_date or d.activist_date)
    end = publicity.end if publicity else (_publicity_end(start) if start else None)
    values["公示开始日期"], values["公示结束日期"] = _d(start), _d(end)
    conv_start = d.probation_end
    values["转正公示开始日期"] = _d(conv_start)
    values["转正公示结束日期"] = _d(_publicity_end(conv_start)) if conv_start else ""
    return values


def meeting_values(ws: Workspace, m: Meeting) -> dict[str, Any]:
    from branchdesk.domain.vocab import MemberType
    from branchdesk.reports.meetings import _place_text, _time_text, absent_text, agenda_text

    present = [a.name + ("" if str(a.member_type) == MemberType.FULL.value
                         else f"（{MemberType(str(a.member_type)).label}）")
               for a in m.attendance if a.present]  # fmt: skip
    speeches = "\n".join(
        f"{n}. {a.title}：{a.discussion}" if a.discussion else f"{n}. {a.title}"
        for n, a in enumerate(m.agenda, start=1)
    )
    if m.discussion:
        speeches = "\n".join(t for t in (speeches, m.discussion) if t)
    decisions = "\n".join(t for t in [*(a.decision for a in m.agenda if a.decision), m.decisions] if t)
    return {
        "会议名称": m.title,
        "会议类型": m.title,
        "会议日期": _d(m.date),
        "会议时间": _time_text(m),
        "会议地点": _place_text(m),
        "主持人": m.chair,
        "记录人": m.recorder,
        "授课人": m.lecturer,
        "会议主题": m.theme,
        "应到人数": m.expected if m.attendance else "",
        "实到人数": m.present if m.attendance else "",
        "出席人员": "、".join(present),
        "缺席人员": absent_text(m),
        "列席人员": "、".join(o.name + (f"（{o.role}）" if o.role else "") for o in m.observers),
        "会议议程": agenda_text(m).replace("；", "\n") if m.agenda else "",
        "发言记录": speeches,
        "会议决定": decisions,
        "参会人员": "全体党员" if str(m.audience) == "branch" else m.group_name or "支部委员",
    }


def values_for(ws: Workspace, spec: DocSpec, *, person: str | None = None, meeting: int | None = None,
               today: dt.date | None = None) -> dict[str, Any]:  # fmt: skip
    """The field values of document `spec` for a person (dossier id or name) or a meeting id."""
    today = today or dt.date.today()
    values = _common(ws, today)
    if spec.needs == "person":
        if not person:
            raise ValueError(f"“{spec.title}”需要指定人员（--person 姓名或档案编号）")
        values.update(person_values(ws, find_dossier(ws, person)))
    else:
        if meeting is None:
            raise ValueError(f"“{spec.title}”需要指定会议（--meeting 会议编号）")
        values.update(meeting_values(ws, ws.meetings.get(meeting)))
    return values


def make_document(ws: Workspace, name: str, out: str | Path, *, person: str | None = None,
                  meeting: int | None = None, today: dt.date | None = None,
                  template: str | Path | None = None) -> Path:  # fmt: skip
    """Fill the branch's template of document `name` and write it to `out` (a .docx)."""
    from branchdesk.reports.word import check_template, fill_template, template_path

    spec = doc_spec(name)
    path = Path(template) if template is not None else template_path(spec.name)
    check_template(path, known_fields(spec))  # before reading any record: the template's fault first
    values = values_for(ws, spec, person=person, meeting=meeting, today=today)
    return fill_template(path, values, out)


def default_file_name(spec: DocSpec, subject: str) -> str:
    return f"{spec.title}-{subject}.docx" if subject else f"{spec.title}.docx"


DocMaker = Callable[..., Path]
