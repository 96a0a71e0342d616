"""Ledgers of the branch's own work (issue 15): registered in reports/registry.py, so in export, preview
and the inspection pack.

* 志愿服务（活动）台账 — every activity of the period with its participants and their hours;
* 党员联系服务群众台账 — dormitories, classes, named people, 结对帮扶;
* 党员示范岗台账 — the posts (示范岗, 先锋岗, 监督岗, 责任区 and the branch's own kinds);
* 学习培训学时台账 — per member and year, hours by source against 32 (56 for the committee);
* 奖惩与荣誉台账 — members' awards and punishments (from their files), the branch's honours and the
  recognitions of its brand projects;
* 述职评议记录 — the committee members' reports and their ratings;
* 党建品牌项目 — one sheet per project: idea, yearly goals, recognitions, its activities in the period.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING

from branchdesk.reports.ledger import Column, Document, Fields, Heading, Ledger, Paragraph, Table
from branchdesk.reports.registers import branch_name_of

if TYPE_CHECKING:
    from branchdesk.reports.registry import Period
    from branchdesk.workspace import Workspace

__all__ = [
    "activities_report",
    "brand_projects_report",
    "contacts_report",
    "duty_reports_report",
    "honours_report",
    "posts_report",
    "study_hours_report",
]


def _h(value: Decimal) -> Decimal:
    """Hours as a number without a trailing .0 (2 rather than 2.0; 2.5 stays)."""
    d = Decimal(value)
    return d.quantize(Decimal(1)) if d == d.to_integral_value() else d.normalize()


def _span(start: dt.date | None, end: dt.date | None) -> str:
    if start is None:
        return ""
    return f"{start.isoformat()}至{end.isoformat() if end else '今'}"


def _ledger(key, title, ws, period, today, columns, rows, **kw) -> Ledger:
    return Ledger(key=key, title=title, branch_name=branch_name_of(ws), period=period.label, columns=columns,
                  rows=rows, printed_on=today, **kw)  # fmt: skip


# ============================================================================ 志愿服务（活动）台账
ACTIVITY_COLUMNS = [
    Column("seq", "序号", "int", 4),
    Column("date", "日期", "date", 10),
    Column("kind", "类型", "text", 8),
    Column("title", "活动名称", "text", 16, wrap=True),
    Column("place", "地点", "text", 12, wrap=True),
    Column("organiser", "组织者", "text", 8),
    Column("project", "品牌项目", "text", 10, wrap=True),
    Column("participants", "参加党员、积极分子（时长/小时）", "text", 30, wrap=True),
    Column("others", "其他人员", "int", 6),
    Column("people", "总人数", "int", 6),
    Column("hours", "总时长（小时）", "number", 8),
    Column("outcome", "活动内容及成效", "text", 24, wrap=True),
    Column("press", "宣传报道", "text", 12, wrap=True),
]


def _participants(people) -> str:
    """ "张三2.5、李四2" — or, when everyone gave the same time, "张三、李四（各2.5小时）"."""
    if not people:
        return ""
    names = [f"{p.name}{'（积极分子）' if p.activist else ''}" for p in people]
    hours = {p.hours for p in people}
    if len(hours) == 1:
        return "、".join(names) + f"（各{_h(hours.pop())}小时）"
    return "、".join(f"{n}{_h(p.hours)}" for n, p in zip(names, people, strict=True))


def activities_report(ws: Workspace, period: Period, today: dt.date) -> list[Ledger]:
    """Registry builder: 志愿服务（活动）台账 of the period."""
    activities = [
        a for year in range(period.start.year, period.end.year + 1) for a in ws.activities.all(year)
    ]
    activities = [a for a in activities if a.date in period]
    rows = []
    for seq, a in enumerate(activities, start=1):
        people = _participants(a.participants)
        text = "；".join(x.strip().rstrip("。；;") for x in (a.content, a.outcome) if x.strip())
        if a.meeting_id is not None:
            text = (text + "；" if text else "") + "（同时为会议记录，见“三会一课”记录台账）"
        rows.append([seq, a.date, a.kind, a.title, a.place, a.organiser, a.project_name, people,
                     a.others_count or None, a.total_people, _h(a.total_hours), text, a.press])  # fmt: skip
    totals = None
    if rows:
        totals = ["合计", None, None, f"{len(rows)}次", None, None, None,
                  f"党员、积极分子{sum(len(a.participants) for a in activities)}人次", sum(a.others_count for a in activities),
                  sum(a.total_people for a in activities), _h(sum((a.total_hours for a in activities), Decimal(0))),
                  None, None]  # fmt: skip
    notes = ["时长以小时计；“其他人员”为非党员师生、群众等，只记人数和总时长。"]
    if not rows:
        notes.insert(0, "本期没有活动记录。")
    return [_ledger("activities", "志愿服务（活动）台账", ws, period, today, ACTIVITY_COLUMNS, rows, totals=totals,
                    notes=notes, key_columns=4)]  # fmt: skip


# ============================================================================ 联系服务 / 示范岗
CONTACT_COLUMNS = [
    Column("seq", "序号", "int", 4),
    Column("person", "党员（积极分子）", "text", 10),
    Column("kind", "联系服务类型", "text", 10),
    Column("target", "联系对象", "text", 24, wrap=True),
    Column("place", "地点", "text", 14, wrap=True),
    Column("start", "开始日期", "date", 10),
    Column("end", "结束日期", "date", 10),
    Column("note", "备注", "text", 20, wrap=True),
]
POST_COLUMNS = [
    Column("seq", "序号", "int", 4),
    Column("post_kind", "岗位类型", "text", 10),
    Column("target", "岗位名称", "text", 18, wrap=True),
    Column("person", "党员", "text", 10),
    Column("place", "地点", "text", 14, wrap=True),
    Column("start", "设岗日期", "date", 10),
    Column("end", "结束日期", "date", 10),
    Column("note", "职责及履职情况", "text", 24, wrap=True),
]


def _assignments_in(ws: Workspace, period: Period):
    return [
        a for a in ws.assignments.list() if a.start <= period.end and (a.end is None or a.end >= period.start)
    ]


def contacts_report(ws: Workspace, period: Period, today: dt.date) -> list[Ledger]:
    """Registry builder: 党员联系服务群众台账 (assignments current at some time in the period)."""
    from branchdesk.domain.activities import AssignmentKind

    rows = []
    for a in _assignments_in(ws, period):
        if a.kind is AssignmentKind.POST:
            continue
        target = a.target
        if a.people.strip():
            people = "；".join(line.strip() for line in a.people.splitlines() if line.strip())
            target = f"{target}：{people}" if target else people
        person = a.person + ("（积极分子）" if a.member_id is None else "")
        rows.append([len(rows) + 1, person, a.kind.label, target, a.place, a.start, a.end, a.note])
    notes = [] if rows else ["本期没有联系服务安排。"]
    return [
        _ledger("contacts", "党员联系服务群众台账", ws, period, today, CONTACT_COLUMNS, rows, notes=notes)
    ]


def posts_report(ws: Workspace, period: Period, today: dt.date) -> list[Ledger]:
    """Registry builder: 党员示范岗台账 (every post kind)."""
    from branchdesk.domain.activities import AssignmentKind

    rows = []
    posts = [a for a in _assignments_in(ws, period) if a.kind is AssignmentKind.POST]
    for a in sorted(posts, key=lambda a: (a.post_kind, a.target, a.start)):
        rows.append([len(rows) + 1, a.post_kind, a.target, a.person, a.place, a.start, a.end, a.note])
    notes = [] if rows else ["本期没有设立党员示范岗（先锋岗、监督岗、责任区）。"]
    return [_ledger("posts", "党员示范岗台账", ws, period, today, POST_COLUMNS, rows, notes=notes)]


# ============================================================================ 学习培训学时台账
_SOURCES = ("党课", "主题党日", "学习", "培训", "网络课程", "微党课", "主题教育")


def study_hours_report(ws: Workspace, period: Period, today: dt.date) -> list[Ledger]:
    """Registry builder: 学习培训学时台账 — one ledger per year of the period, a row per member."""
    from branchdesk.reports.meetings import meetings_in

    columns = [
        Column("seq", "序号", "int", 4),
        Column("name", "姓名", "text", 8),
        Column("role", "身份", "text", 6),
    ]
    columns += [Column(f"s{i}", s, "number", 6) for i, s in enumerate(_SOURCES)]
    columns += [Column("total", "合计", "number", 6), Column("target", "应达", "int", 5),
                Column("result", "达标情况", "text", 10)]  # fmt: skip
    meetings = meetings_in(ws, period)
    out = []
    for year in range(period.start.year, period.end.year + 1):
        rows = []
        short = 0
        for h in ws.study.hours(year, [m for m in meetings if m.date.year == year]):
            sources = h.by_source()
            result = "达标" if not h.short else f"差{_h(h.short)}学时"
            short += bool(h.short)
            rows.append([len(rows) + 1, h.name, "支委" if h.committee else "党员"]
                        + [_h(sources[s]) if s in sources else None for s in _SOURCES]
                        + [_h(h.total), h.target, result])  # fmt: skip
        label = (
            f"{year}年度"
            if period.start.year != period.end.year or period.label.endswith("年度")
            else period.label
        )
        notes = [
            "学时：参加的党课、学习类主题党日（按会议时长，未记时间的按2学时），录入或导入的学习、培训、网络课程，"
            "以及微党课、主题教育活动的时长；同一次活动只计一次。全年不少于32学时，书记和支委不少于56学时。",
            f"共{len(rows)}人，未达标{short}人。" if rows else "本年度没有党员。",
        ]
        ledger = _ledger("study_hours", "学习培训学时台账", ws, period, today, columns, rows, notes=notes,
                         key_columns=3)  # fmt: skip
        from dataclasses import replace

        out.append(replace(ledger, period=label))
    return out


# ============================================================================ 奖惩与荣誉台账
HONOUR_COLUMNS = [
    Column("seq", "序号", "int", 4),
    Column("date", "日期", "date", 10),
    Column("who", "对象", "text", 12, wrap=True),
    Column("kind", "类别", "text", 8),
    Column("title", "名称", "text", 24, wrap=True),
    Column("level", "级别", "text", 8),
    Column("issuer", "授予（决定）单位", "text", 14, wrap=True),
    Column("note", "备注", "text", 16, wrap=True),
]


def honours_report(ws: Workspace, period: Period, today: dt.date) -> list[Ledger]:
    """Registry builder: 奖惩与荣誉台账 — members' awards and punishments, the branch's honours and its
    brand projects' recognitions dated in the period."""
    from branchdesk.domain.vocab import AwardKind

    items = []
    for day, name, kind, title, level, issuer, notes in ws.activities.member_awards(period.start, period.end):
        try:
            label = AwardKind(kind).label
        except ValueError:
            label = kind
        items.append((day, name, f"党员{label}", title, level, issuer, notes))
    for h in ws.branch.honours():
        if h.date in period:
            items.append((h.date, "本支部", "支部荣誉", h.title, h.level, h.issuer, ""))
    for p in ws.activities.projects():
        for r in p.recognitions:
            if r.date is not None and r.date in period:
                items.append((r.date, f"党建品牌项目“{p.name}”", "项目荣誉", r.title, r.level, r.issuer, ""))
    items.sort(key=lambda i: i[0])
    rows = [[seq, *item] for seq, item in enumerate(items, start=1)]
    notes = [] if rows else ["本期没有奖惩和荣誉记录。"]
    return [_ledger("honours", "奖惩与荣誉台账", ws, period, today, HONOUR_COLUMNS, rows, notes=notes)]


# ============================================================================ 述职评议记录
DUTY_COLUMNS = [
    Column("seq", "序号", "int", 4),
    Column("year", "年度", "int", 6),
    Column("name", "述职人", "text", 8),
    Column("post", "职务", "text", 8),
    Column("date", "述职日期", "date", 10),
    Column("good", "好", "int", 4),
    Column("fairly_good", "较好", "int", 4),
    Column("average", "一般", "int", 4),
    Column("poor", "差", "int", 4),
    Column("rate", "好和较好占比", "text", 8),
    Column("higher", "上级党组织评价", "text", 10),
    Column("higher_by", "评价单位", "text", 12, wrap=True),
    Column("report", "述职要点", "text", 30, wrap=True),
]


def duty_reports_report(ws: Workspace, period: Period, today: dt.date) -> list[Ledger]:
    """Registry builder: 述职评议记录 — the reports on the years of the period and those given in it (a
    year's report is often given early the next year)."""
    from branchdesk.domain.activities import DutyGrade

    years = range(period.start.year, period.end.year + 1)
    rows = []
    for r in ws.study.duty_reports():
        if r.year not in years and not (r.date is not None and r.date in period):
            continue
        n = r.raters
        rate = (
            f"{(r.ratings.get(DutyGrade.GOOD, 0) + r.ratings.get(DutyGrade.FAIRLY_GOOD, 0)) * 100 / n:.0f}%"
            if n
            else ""
        )
        rows.append([len(rows) + 1, r.year, r.name, r.post, r.date, r.ratings.get(DutyGrade.GOOD, 0),
                     r.ratings.get(DutyGrade.FAIRLY_GOOD, 0), r.ratings.get(DutyGrade.AVERAGE, 0),
                     r.ratings.get(DutyGrade.POOR, 0), rate, r.higher_rating, r.higher_by, r.report])  # fmt: skip
    notes = [] if rows else ["本期没有述职评议记录。"]
    return [_ledger("duty_reports", "述职评议记录", ws, period, today, DUTY_COLUMNS, rows, notes=notes)]


# ============================================================================ 党建品牌项目
def brand_projects_report(ws: Workspace, period: Period, today: dt.date) -> list[Document]:
    """Registry builder: 党建品牌项目 — one sheet per project with its activities in the period."""
    from branchdesk.reports.registers import nothing_document

    branch = branch_name_of(ws)
    projects = ws.activities.projects()
    if not projects:
        return [nothing_document("brand_projects", "党建品牌项目", "党建品牌项目", branch_name=branch,
                                 period_label=period.label, printed_on=today)]  # fmt: skip
    years = range(period.start.year, period.end.year + 1)
    out = []
    for p in projects:
        lines = [a for y in years for a in ws.activities.list(y, project_id=p.id) if a.date in period]
        blocks = [
            Fields(
                [
                    ("项目名称", p.name),
                    ("口号", p.slogan),
                    ("实施期间", _span(p.start, p.end)),
                    (
                        "本期活动",
                        f"{len(lines)}次，{sum(a.people for a in lines)}人次，"
                        f"{_h(sum((a.hours for a in lines), Decimal(0)))}小时",
                    ),
                ]
            ),
        ]
        if p.idea.strip():
            blocks.append(Paragraph(p.idea.strip(), label="工作思路："))
        if p.goals:
            blocks += [Heading("年度目标"), Table([Column("year", "年度", "int", 6), Column("goals", "目标", "text", 50, wrap=True)],
                                                [[y, g] for y, g in sorted(p.goals.items())])]  # fmt: skip
        if p.recognitions:
            blocks += [Heading("获奖及认定"), Table(
                [Column("date", "日期", "date", 10), Column("title", "名称", "text", 24, wrap=True),
                 Column("level", "级别", "text", 8), Column("issuer", "授予单位", "text", 14, wrap=True)],
                [[r.date, r.title, r.level, r.issuer] for r in p.recognitions])]  # fmt: skip
        blocks += [Heading("本期活动"), Table(
            [Column("seq", "序号", "int", 4), Column("date", "日期", "date", 10), Column("title", "活动名称", "text", 22, wrap=True),
             Column("kind", "类型", "text", 8), Column("people", "人数", "int", 6), Column("hours", "时长（小时）", "number", 8)],
            [[i, a.date, a.title, a.kind, a.people, _h(a.hours)] for i, a in enumerate(lines, start=1)])]  # fmt: skip
        if not lines:
            blocks.append(Paragraph("本期没有该项目的活动记录。"))
        out.append(Document(key="brand_projects", title="党建品牌项目", branch_name=branch, period=period.label,
                            blocks=blocks, subject=p.name, printed_on=today, book="党建品牌项目"))  # fmt: skip
    return out


# ============================================================================ 活动照片
PHOTOS_PER_ACTIVITY = 2
_PRINT_PIXELS = 1000  # a photo printed 8 cm wide needs no more (300 dpi is 945 pixels)


def print_copy(content: bytes) -> bytes:
    """A JPEG of the photo for printing: turned upright by its EXIF orientation, about 1000 pixels
    (at most 1250) on its long side (a 6 MB phone photo becomes ~100 KB); b"" when it cannot be read."""
    from io import BytesIO

    from PIL import Image, ImageOps

    try:
        with Image.open(BytesIO(content)) as image:
            image.draft("RGB", (_PRINT_PIXELS // 2, _PRINT_PIXELS // 2))  # a JPEG decodes at 1/2, 1/4 …: fast
            upright = ImageOps.exif_transpose(image)
            if max(upright.size) > _PRINT_PIXELS * 5 // 4:  # the draft is close enough otherwise
                upright.thumbnail((_PRINT_PIXELS, _PRINT_PIXELS), Image.Resampling.BILINEAR, reducing_gap=2.0)
            if upright.mode not in ("RGB", "L"):
                upright = upright.convert("RGB")
            out = BytesIO()
            upright.save(out, "JPEG", quality=80)
            return out.getvalue()
    except Exception:
        return b""


def activity_photos_report(ws: Workspace, period: Period, today: dt.date) -> list[Document]:
    """Registry builder: 活动照片 — for each activity of the period with photos, its first two photos
    scaled on the page (upright), with the date, title and file names."""
    from branchdesk.reports.ledger import Pictures
    from branchdesk.reports.registers import nothing_document
    from branchdesk.services.activities import ChecksumError

    branch = branch_name_of(ws)
    years = range(period.start.year, period.end.year + 1)
    activities = [a for y in years for a in ws.activities.all(y) if a.date in period and a.photos]
    if not activities:
        return [nothing_document("activity_photos", "活动照片", "活动照片", branch_name=branch,
                                 period_label=period.label, printed_on=today)]  # fmt: skip
    blocks: list = []
    for a in activities:
        blocks.append(Heading(f"{a.date.isoformat()}　{a.kind}　{a.title}"))
        items = []
        for photo in a.photos[:PHOTOS_PER_ACTIVITY]:
            try:
                content = print_copy(ws.activities.attachment_content(photo.id))
                caption = photo.file_name
            except ChecksumError:
                content, caption = b"", f"{photo.file_name}（内容与校验值不符，未打印）"
            items.append((content, caption))
        blocks.append(Pictures(tuple(items)))
        more = len(a.photos) - PHOTOS_PER_ACTIVITY
        names = "、".join(p.file_name for p in a.photos)
        blocks.append(Paragraph(names + (f"（另有{more}张未打印）" if more > 0 else ""), label="照片："))
    return [Document(key="activity_photos", title="活动照片", branch_name=branch, period=period.label, blocks=blocks,
                     subject="", printed_on=today, signatures=[])]  # fmt: skip
