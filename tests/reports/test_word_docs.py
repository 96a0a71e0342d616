"""Word documents for each step (issue 17): a secretary makes 公示, 请示, 决议, 会议记录 … from the
branch's own templates, filled with the person's, meeting's and branch's data."""

from __future__ import annotations

import pytest
from docx import Document as open_docx

from branchdesk.cli import main
from branchdesk.reports.word import TemplateError, fill_template, reset_templates, template_path, user_dir
from branchdesk.reports.word_docs import DOCS, make_document
from tests.reports.ledger_fixtures import TODAY, demo_fixture  # noqa: F401  (fixture "demo")


def docx_text(path) -> str:
    doc = open_docx(str(path))
    parts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            parts += [c.text for c in row.cells]
    return "\n".join(parts)


@pytest.fixture
def data_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("BRANCHDESK_DATA_DIR", str(tmp_path / "data"))
    return tmp_path / "data"


def converted(demo):
    return next(d for d in demo.development.all() if d.conversion_vote is not None and d.admission_vote)


def test_every_document_of_a_converted_member_is_filled_from_the_dossier(demo, data_dir, tmp_path):
    d = converted(demo)
    for spec in (s for s in DOCS if s.needs == "person"):
        out = make_document(
            demo, spec.name, tmp_path / f"{spec.name}.docx", person=d.person.name, today=TODAY
        )
        text = docx_text(out)
        assert "{{" not in text and "}}" not in text, spec.name
        assert d.person.name in text, spec.name
        assert demo.branch.profile().name in text, spec.name
    resolution = docx_text(tmp_path / "admission_resolution.docx")
    vote = d.admission_vote
    assert f"有表决权的应到会党员{vote.expected}名，实到会{vote.present}名" in resolution
    assert f"赞成{vote.yes + (vote.written_yes if vote.written_before_meeting else 0)}票" in resolution
    assert (data_dir / "templates" / "docs" / "admission_resolution.docx").exists()  # copied on first use


def test_the_minutes_of_one_meeting_name_who_chaired_who_attended_and_who_observed(demo, data_dir, tmp_path):
    meeting = next(m for y in (2025, 2026) for m in demo.meetings.all(year=y) if m.observers and m.attendance)
    out = make_document(demo, "meeting_minutes", tmp_path / "m.docx", meeting=meeting.id, today=TODAY)
    text = docx_text(out)
    assert meeting.chair in text and meeting.recorder in text
    assert meeting.observers[0].name in text
    assert "主持人（签字）" in text and "日期：" in text


def test_a_template_with_an_unknown_field_is_refused_with_the_field_named(demo, data_dir, tmp_path, capsys):
    own = template_path("activist_publicity")
    doc = open_docx(str(own))
    doc.add_paragraph("家庭住址：{{家庭住址门牌}}")
    doc.save(str(own))
    d = converted(demo)
    with pytest.raises(TemplateError, match=r"\{\{家庭住址门牌\}\}"):
        make_document(demo, "activist_publicity", tmp_path / "x.docx", person=d.person.name)
    assert not (tmp_path / "x.docx").exists()
    # resetting puts the shipped template back
    reset_templates(["activist_publicity"])
    make_document(demo, "activist_publicity", tmp_path / "x.docx", person=d.person.name)
    assert "家庭住址" not in docx_text(tmp_path / "x.docx")


def test_the_branch_edits_its_own_template_and_the_edit_is_used(demo, data_dir, tmp_path):
    own = template_path("meeting_notice")
    assert own.parent == user_dir()
    doc = open_docx(str(own))
    doc.add_paragraph("请携带笔记本。主持人：{{主持人}}")
    doc.save(str(own))
    meeting = demo.meetings.all(year=2026)[0]
    out = make_document(demo, "meeting_notice", tmp_path / "n.docx", meeting=meeting.id, today=TODAY)
    assert f"请携带笔记本。主持人：{meeting.chair}" in docx_text(out)


def test_a_field_word_split_over_several_runs_is_still_filled(tmp_path):
    doc = open_docx()
    p = doc.add_paragraph()
    for piece in ("兹有", "{{", "姓", "名}}", "同志，", "{{支部名称}}"):
        p.add_run(piece).bold = piece == "姓"
    doc.add_paragraph("谈话内容：{{谈话内容}}")
    doc.save(str(tmp_path / "t.docx"))
    out = fill_template(tmp_path / "t.docx", {"姓名": "马子英", "支部名称": "第一党支部", "谈话内容": "一\n二"},
                        tmp_path / "o.docx")  # fmt: skip
    doc = open_docx(str(out))
    assert doc.paragraphs[0].text == "兹有马子英同志，第一党支部"
    assert doc.paragraphs[1].text == "谈话内容：一\n二"  # a line break in Word


def test_the_command_line_lists_makes_and_refuses_in_one_line(demo, data_dir, tmp_path, capsys):
    db = str(demo.db.sqlite_path)
    assert main(["--db", db, "docs", "--list"]) == 0
    listed = capsys.readouterr().out.splitlines()
    assert "applicant_talk\t入党申请人谈话记录\tperson" in listed
    assert "meeting_minutes\t会议记录\tmeeting" in listed
    assert len(listed) == len(DOCS)
    d = converted(demo)
    out = tmp_path / "公示.docx"
    assert main(["--db", db, "docs", "conversion_publicity", "--person", str(d.id), "-o", str(out)]) == 0
    assert d.person.name in docx_text(out)
    assert main(["--db", db, "docs", "meeting_notice", "--person", d.person.name, "-o", str(out)]) == 2
    assert "需要指定会议" in capsys.readouterr().err
    assert (
        main(["--db", db, "docs", "applicant_talk", "--person", "查无此人", "-o", str(tmp_path / "y.docx")])
        == 2
    )
    assert "没有找到 查无此人" in capsys.readouterr().err
