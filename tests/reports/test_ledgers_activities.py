"""Ledgers of the branch's own work (issue 15) over the demo branch: an inspector opens the volunteer
ledger and finds each activity with its participants and hours, the linked 主题党日 marked as a meeting
record too, the study-hours ledger with everyone's total against 32 (56 for the committee), honours of
members, branch and brand projects side by side, and the brand project sheets — in PDF and in Excel."""

from __future__ import annotations

from decimal import Decimal

import pytest

from branchdesk.reports.ledger import Document, Ledger
from branchdesk.reports.registry import Period, build
from tests.reports.demo_branch import flat, pdf_pages
from tests.reports.ledger_fixtures import TODAY, demo_fixture  # noqa: F401  (fixture "demo")

KEYS = (
    "activities",
    "contacts",
    "posts",
    "study_hours",
    "honours",
    "duty_reports",
    "brand_projects",
    "activity_photos",
)


def rows(ledger):
    return [{c.key: v for c, v in zip(ledger.columns, r, strict=True)} for r in ledger.rows]


def test_the_volunteer_ledger_lists_every_activity_with_participants_and_hours(demo):
    (ledger,) = build(demo, "activities", Period.year(2025), today=TODAY)
    activities = demo.activities.all(2025)
    assert len(ledger.rows) == len(activities) > 24
    team = next(r for r in rows(ledger) if r["project"] == "银龄守护")
    activity = next(a for a in activities if a.date == team["date"] and a.title == team["title"])
    first = activity.participants[0]
    if len({p.hours for p in activity.participants}) == 1:  # everyone the same time: said once
        assert team["participants"].startswith(first.name + "、")
        assert team["participants"].endswith(f"（各{first.hours.normalize():f}小时）")
    else:
        assert f"{first.name}{first.hours.normalize():f}" in team["participants"]
    assert team["people"] == len(activity.participants) + activity.others_count
    assert Decimal(team["hours"]) == activity.total_hours
    linked = [r for r in rows(ledger) if "同时为会议记录" in (r["outcome"] or "")]
    assert linked and all(a.meeting_id for a in activities if a.kind == "微党课")
    assert ledger.totals[9] == sum(a.total_people for a in activities)


def test_study_hours_ledger_has_every_member_against_the_line(demo):
    (ledger,) = build(demo, "study_hours", Period.year(2025), today=TODAY)
    hours = {h.name: h for h in demo.study.hours(2025)}
    assert len(ledger.rows) == len(hours)
    for r in rows(ledger):
        h = hours[r["name"]]
        assert (Decimal(r["total"]), r["target"]) == (h.total, 56 if h.committee else 32)
        assert r["result"] == (
            "达标" if h.total >= r["target"] else f"差{(r['target'] - h.total).normalize():f}学时"
        )
    assert any(r["result"] != "达标" for r in rows(ledger)), "the demo keeps a few members below the line"


def test_honours_assignments_posts_duty_reports_and_projects(demo):
    (honours,) = build(demo, "honours", Period.year(2025), today=TODAY)
    kinds = {r["kind"] for r in rows(honours)}
    assert "项目荣誉" in kinds and any(k.startswith("党员") for k in kinds)
    (posts,) = build(demo, "posts", Period.year(2026), today=TODAY)
    assert len(posts.rows) == 6 and {r["post_kind"] for r in rows(posts)} >= {"党员示范岗", "党员责任区"}
    (contacts,) = build(demo, "contacts", Period.year(2026), today=TODAY)
    assert {r["kind"] for r in rows(contacts)} == {"联系宿舍", "联系班级", "结对帮扶"}
    (duty,) = build(demo, "duty_reports", Period.year(2025), today=TODAY)
    assert [(r["year"], r["post"], r["higher"]) for r in rows(duty)] == [(2025, "书记", "好")]
    sheets = build(demo, "brand_projects", Period.year(2026), today=TODAY)
    assert [d.subject for d in sheets] == ["银龄守护", "春苗助学"] and all(
        isinstance(d, Document) for d in sheets
    )


def test_every_ledger_writes_as_pdf_and_xlsx(demo, tmp_path):
    from openpyxl import load_workbook

    from branchdesk.reports.pdf import write_pdf
    from branchdesk.reports.xlsx import write_xlsx

    reports = [r for key in KEYS for r in build(demo, key, Period.year(2026), today=TODAY)]
    assert all(isinstance(r, Ledger | Document) for r in reports)
    write_pdf(reports, tmp_path / "work.pdf")
    text = flat("".join(pdf_pages(tmp_path / "work.pdf")))
    for title in ("志愿服务（活动）台账", "党员联系服务群众台账", "党员示范岗台账", "学习培训学时台账", "奖惩与荣誉台账",
                  "述职评议记录", "党建品牌项目", "银龄守护"):  # fmt: skip
        assert title in text
    book = load_workbook(write_xlsx(reports, tmp_path / "work.xlsx"), read_only=True)
    assert len(book.sheetnames) >= 7
    hours = book[next(n for n in book.sheetnames if "学时" in n)]
    values = [c for row in hours.iter_rows(values_only=True) for c in row]
    assert any(isinstance(v, int | float) and v >= 32 for v in values), "hours are numbers in Excel"


@pytest.mark.parametrize("key", KEYS)
def test_an_empty_year_prints_a_note_not_an_error(demo, key):
    reports = build(demo, key, Period.year(2019), today=TODAY)
    assert reports


def test_the_first_photos_print_upright_and_scaled(ws, tmp_path):
    """A phone photo taken sideways (EXIF orientation 6) prints upright, scaled on the page; the third
    photo of an activity is named, not printed."""
    import datetime as dt
    from io import BytesIO

    from PIL import Image

    from branchdesk.domain.activities import Activity
    from branchdesk.reports.ledger import Pictures
    from branchdesk.reports.pdf import write_pdf

    def jpeg(size, orientation=None) -> bytes:
        out, exif = BytesIO(), Image.Exif()
        if orientation:
            exif[0x0112] = orientation
        Image.new("RGB", size, "red").save(out, "JPEG", exif=exif.tobytes())
        return out.getvalue()

    a = ws.activities.save(Activity(date=dt.date(2026, 5, 4), kind="志愿服务", title="植树护绿"))
    ws.activities.add_attachment(a.id, name="侧拍.jpg", content=jpeg((1600, 900), orientation=6))
    ws.activities.add_attachment(a.id, name="合影.jpg", content=jpeg((3000, 2000)))
    ws.activities.add_attachment(a.id, name="第三张.jpg", content=jpeg((800, 600)))
    [doc] = build(ws, "activity_photos", Period.year(2026), today=TODAY)
    [pictures] = [b for b in doc.blocks if isinstance(b, Pictures)]
    sizes = [Image.open(BytesIO(content)).size for content, _ in pictures.items]
    (w1, h1), (w2, h2) = sizes
    assert h1 > w1 and w2 > h2, "the sideways photo stands upright, the landscape one stays landscape"
    assert max(w1, h1, w2, h2) <= 1250 and min(h1, w2) >= 500, sizes
    assert [c for _, c in pictures.items] == ["侧拍.jpg", "合影.jpg"]
    result = write_pdf([doc], tmp_path / "photos.pdf")
    assert result.pages == 1 and (tmp_path / "photos.pdf").read_bytes().count(b"/Subtype /Image") == 2
    text = flat("".join(pdf_pages(tmp_path / "photos.pdf")))
    assert "植树护绿" in text and "另有1张未打印" in text


def test_the_rubrics_score_study_volunteering_coverage_and_posts_from_the_records(demo):
    """The 红旗党支部 rubric's items 1.4, 4.1, 4.2 and 5.1 are scored from the records, not by hand."""
    from branchdesk.services.readiness_metrics import compute_metrics

    names = ("study.hours_32", "activities.volunteer", "assignments.coverage", "assignments.model_posts")
    found = compute_metrics(demo, 2025, as_of=TODAY, names=names)
    assert set(found) == set(names)
    hours = {h.member_id: h.total - h.target + 32 for h in demo.study.hours(2025)}  # 56 for the committee
    study = found["study.hours_32"]
    assert 0 < study.value < 1 and study.missing == sum(1 for s in study.shortfalls)
    assert all(hours.get(s.evidence.id, 0) < 32 for s in study.shortfalls)
    assert 0.5 < found["activities.volunteer"].value <= 1 and "人均" in found["activities.volunteer"].summary
    assert 0.7 < found["assignments.coverage"].value < 1
    assert found["assignments.model_posts"].value == 6
    assessment = demo.readiness.assess(2025, "红旗党支部", as_of=TODAY)
    posts = assessment.item("5.1")
    assert posts.how == "auto" and posts.score == posts.max
    assert {assessment.item(k).how for k in ("1.4", "4.1", "4.2")} == {"auto"}
    summary = demo.readiness.summary_draft(2025)  # the 年度工作总结's paragraph on this work
    assert (
        "服务群众、示范带动与学习教育：全年开展活动" in summary
        and "“银龄守护”获全省高校党建工作优秀项目" in summary
    )
