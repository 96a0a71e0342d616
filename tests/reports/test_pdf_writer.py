"""The PDF writer on ledgers and documents a secretary would print: long tables, long cells, forms,
rare characters, cancelling, identical files for identical input."""

from __future__ import annotations

import datetime as dt
import logging
import re
from decimal import Decimal
from pathlib import Path

import pytest
from pypdf import PdfReader

from branchdesk.reports.fonts import missing_glyphs, pdf_font
from branchdesk.reports.ledger import (
    Column,
    Document,
    ExportCancelled,
    Fields,
    Heading,
    Ledger,
    Paragraph,
    Table,
)
from branchdesk.reports.pdf import PdfCancelled, format_value, text_width, wrap, write_pdf

from .demo_branch import flat, pdf_pages

BRANCH = "测试学院教工第一党支部"
PRINTED = dt.date(2026, 11, 23)
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"


def people(n: int) -> Ledger:
    columns = [
        Column("seq", "序号", "int", 5),
        Column("name", "姓名", "text", 8),
        Column("birth", "出生日期", "date", 11),
        Column("id", "公民身份号码", "id_number", 20),
        Column("dues", "月交党费", "money", 9),
        Column("unit", "工作单位", "text", 16, wrap=True),
    ]
    rows = [
        [i, f"{SURNAMES[i % 20]}{SURNAMES[(i * 7) % 20]}{i:03d}", dt.date(1970 + i % 30, 1 + i % 12, 1 + i % 28),
         f"350102{1970 + i % 30}0101{i % 1000:03d}X", 1234 + i, "示范大学信息学院" + "网络空间安全系" * (i % 3)]
        for i in range(1, n + 1)
    ]  # fmt: skip
    return Ledger("people", "党员名单", BRANCH, "2026年度", columns, rows, printed_on=PRINTED,
                  totals=[None, None, None, None, sum(r[4] for r in rows), None], notes=[f"共 {n} 人。"],
                  signatures=["填表人", "支部书记"])  # fmt: skip


def test_values_print_as_the_secretary_writes_them():
    assert format_value("date", dt.date(2026, 3, 5)) == "2026-03-05"
    assert format_value("money", 1234) == "12.34"
    assert format_value("money", 5) == "0.05" and format_value("money", -250) == "-2.50"
    assert format_value("money", Decimal("3.5")) == "3.50"
    assert format_value("int", 0) == "0" and format_value("text", None) == ""
    assert format_value("bool", True) == "是" and format_value("bool", False) == ""


def test_a_300_row_ledger_spans_pages_with_the_header_on_each(tmp_path):
    ledger = people(300)
    result = write_pdf([ledger], tmp_path / "名单.pdf")
    pages = pdf_pages(result.path)
    assert result.pages == len(pages) >= 5
    for number, text in enumerate(pages, start=1):
        assert f"第 {number} 页 共 {len(pages)} 页" in text
        assert "公民身份号码" in text and "工作单位" in text, f"the header is repeated on page {number}"
    assert (
        "党员名单" in pages[0]
        and BRANCH in pages[0]
        and "2026年度" in pages[0]
        and "2026年11月23日" in pages[0]
    )
    assert "（续）" in pages[1]
    # every row once, in order; dates, money and the total as printed
    names = [row[1] for row in ledger.rows]
    text = "\n".join(pages)
    found = [m.group(0) for m in re.finditer(r"[王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗]{2}\d{3}", text)]
    assert found == names
    assert "1971-02-02" in text and "12.35" in text and "5,3" not in text
    assert format_value("money", ledger.totals[4]) in pages[-1]
    assert "共 300 人。" in pages[-1] and "填表人（签字）" in pages[-1] and "支部书记（签字）" in pages[-1]


def test_a_2000_character_cell_wraps_across_pages_without_losing_a_character(tmp_path):
    sentence = "支部委员会认真听取了培养联系人的汇报，认为该同志入党动机端正，学习积极，工作踏实。"
    long_text = "".join(f"{sentence}（第{i}句）" for i in range(1, 60))[:2000]
    assert len(long_text) == 2000
    ledger = Ledger("talks", "谈话记录台账", BRANCH, "2026年度", [
        Column("date", "日期", "date", 11), Column("who", "谈话人", "text", 8),
        Column("place", "地点", "text", 20, wrap=True), Column("summary", "谈话内容", "text", 20, wrap=True),
        Column("result", "谈话结论", "text", 20, wrap=True)],
        [*[[dt.date(2026, 1, 1 + i), "王芳", "党员活动室", f"第{i}次谈话：了解思想、工作和学习情况", "良好"]
           for i in range(10)],
         [dt.date(2026, 2, 1), "李明", "党员活动室", long_text, "良好"],
         [dt.date(2026, 3, 1), "赵强", "党员活动室", "最后一行", "良好"]],
        printed_on=PRINTED, orientation="portrait")  # fmt: skip
    result = write_pdf([ledger], tmp_path / "谈话.pdf")
    pages = pdf_pages(result.path)
    assert result.pages >= 2, "a cell longer than a page continues on the next"
    assert all("谈话内容" in page for page in pages), "the header is repeated under the split cell"
    # the cell's lines are drawn in order; only the page break (footer, header) comes between them
    whole = flat("".join(pages))
    sentences = [f"{sentence}（第{i}句）" for i in range(1, 60) if f"（第{i}句）" in long_text]
    cut = [s for s in sentences if s not in whole]
    assert len(sentences) > 20 and len(cut) <= 1, cut
    assert flat(long_text[-40:]) in whole
    assert "最后一行" in pages[-1]


def test_wrapped_lines_fit_and_never_start_with_closing_punctuation():
    pdf_font()
    text = (
        "认为该同志入党动机端正，学习积极，工作踏实。（此处为说明）ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 end"
    )
    for width in (30, 45, 60, 100):
        lines = wrap(text, width, 9)
        assert "".join(line for line, _ in lines).replace(" ", "") == text.replace(" ", "")
        for line, measured in lines:
            assert measured == pytest.approx(text_width(line, 9))
            assert measured <= width + 0.01 or len(line) == 1
            assert line[:1] not in "，。、；：）》」"
            assert line[-1:] not in "（《「"
    assert wrap("第一行\n第二行", 200, 9) == [
        ("第一行", text_width("第一行", 9)),
        ("第二行", text_width("第二行", 9)),
    ]


def test_a_ledger_too_wide_for_the_page_prints_in_parts_repeating_name_columns(tmp_path):
    columns = [Column("seq", "序号", "int", 4), Column("name", "姓名", "text", 8)] + [
        Column(f"d{i}", f"第{i}项日期", "date", 11) for i in range(1, 41)
    ]
    rows = [[n, f"人员{n}", *[dt.date(2020, 1, 1) + dt.timedelta(days=n * 40 + i) for i in range(40)]]
            for n in range(1, 6)]  # fmt: skip
    result = write_pdf([Ledger("wide", "宽台账", BRANCH, "2026年度", columns, rows, printed_on=PRINTED)],
                       tmp_path / "wide.pdf")  # fmt: skip
    pages = pdf_pages(result.path)
    assert len(pages) >= 3
    for text in pages:
        assert "姓名" in text and "人员3" in text, "every part repeats the names"
    whole = "".join(pages)
    assert all(f"第{i}项日期" in flat(whole) for i in range(1, 41))
    assert "共 " in pages[0] and "部分" in pages[0]


def test_mixed_orientations_in_one_file(tmp_path):
    portrait = Document("minutes", "会议记录", BRANCH, "2026年度", [Paragraph("会议内容")], subject="第一次会议",
                        printed_on=PRINTED)  # fmt: skip
    result = write_pdf([people(3), portrait], tmp_path / "mixed.pdf")
    sizes = [
        (round(float(p.mediabox.width)), round(float(p.mediabox.height)))
        for p in PdfReader(str(result.path)).pages
    ]
    assert sizes == [(842, 595), (595, 842)]
    assert result.outline == [("党员名单", 1), ("会议记录：第一次会议", 2)]
    texts = pdf_pages(result.path)
    assert "本表第 1 页 共 1 页" in texts[1] and "第 2 页 共 2 页" in texts[1]


def dossier_document(name: str = "李明") -> Document:
    return Document("dossier", "发展党员纪实表", BRANCH, "2026年度", [
        Heading("一、基本情况"),
        Fields([("姓名", name), ("性别", "男"), ("出生日期", dt.date(1999, 3, 5)), ("公民身份号码", "350102199903051234"),
                ("联系电话", "13800138000"), ("家庭住址", "福建省福州市鼓楼区某某路 100 号\n（单位宿舍）")],
               per_line=2, kinds={"公民身份号码": "id_number", "联系电话": "phone"}),
        Heading("二、谈话记录"),
        Table([Column("date", "日期", "date", 11), Column("by", "谈话人", "text", 10),
               Column("summary", "谈话内容", "text", 30, wrap=True)],
              [[dt.date(2024, 3, 20), "张三", "了解入党动机"], [dt.date(2024, 9, 1), "李四", "思想汇报情况良好"]],
              caption="表一 谈话情况"),
        Heading("三、支部大会"),
        Paragraph("会议由支部书记主持。\n应到 49 人，实到 42 人。", label="讨论情况："),
    ], subject=name, printed_on=PRINTED, signatures=["支部书记", "记录人"])  # fmt: skip


def test_a_document_prints_each_block(tmp_path):
    result = write_pdf([dossier_document()], tmp_path / "纪实表.pdf")
    (text,) = pdf_pages(result.path)
    for expected in ("发展党员纪实表", BRANCH, "李明", "一、基本情况", "出生日期", "1999-03-05", "350102199903051234",
                     "二、谈话记录", "表一 谈话情况", "谈话人", "2024-03-20", "了解入党动机", "三、支部大会",
                     "讨论情况：", "支部书记（签字）", "记录人（签字）", "第 1 页 共 1 页"):  # fmt: skip
        assert expected in text, expected
    lines = text.splitlines()
    assert "讨论情况：会议由支部书记主持。" in lines and "应到 49 人，实到 42 人。" in lines, (
        "line breaks are kept"
    )
    assert "福建省福州市鼓楼区某某路 100 号" in text and "（单位宿舍）" in text


def test_a_public_document_masks_id_numbers_and_phones(tmp_path):
    result = write_pdf([dossier_document().masked("public")], tmp_path / "公示.pdf")
    (text,) = pdf_pages(result.path)
    assert "350102199903051234" not in text and "13800138000" not in text
    assert "3501**********1234" in text


def test_documents_are_bookmarked_under_their_ledger_with_contents(tmp_path):
    documents = [dossier_document(name) for name in ("李明", "王芳", "赵强")]
    result = write_pdf([people(5), *documents], tmp_path / "pack.pdf", title="2026年度迎检台账", toc=True)
    reader = PdfReader(str(result.path))
    outline = reader.outline
    assert outline[0].title == "党员名单" and outline[1].title == "发展党员纪实表"
    assert [b.title for b in outline[2]] == ["李明", "王芳", "赵强"], (
        "one bookmark per person under the ledger"
    )
    assert [reader.get_destination_page_number(b) + 1 for b in outline[2]] == [
        p for _, p in result.outline[1:]
    ]
    assert result.outline == [("党员名单", 3), ("发展党员纪实表：李明", 4), ("发展党员纪实表：王芳", 5),
                              ("发展党员纪实表：赵强", 6)]  # fmt: skip
    contents = reader.pages[1].extract_text()
    assert "目" in contents and re.search(r"王芳\D*5\s*$", contents, re.M)


def test_characters_missing_from_the_font_are_reported_and_marked(tmp_path, caplog, monkeypatch):
    from branchdesk.reports.fonts import FALLBACK_ENV

    monkeypatch.setenv(FALLBACK_ENV, "none")  # not SimSun-ExtB, should the computer have it
    assert missing_glyphs("吉𠮷祥") == {"𠮷"}
    assert missing_glyphs("㐂\n张三") == {"㐂"}
    assert missing_glyphs("张三 李四（党小组长）2026-03-05") == set()
    ledger = people(2)
    ledger.rows[0][1] = "吉𠮷祥"
    with caplog.at_level(logging.WARNING, logger="branchdesk.reports.pdf"):
        result = write_pdf([ledger, dossier_document("陈㐂")], tmp_path / "rare.pdf")
    assert result.missing == {"党员名单": {"𠮷"}, "发展党员纪实表：陈㐂": {"㐂"}}
    assert "𠮷" in caplog.text and "㐂" in caplog.text
    pages = pdf_pages(result.path)
    assert "吉〓祥" in pages[0] and "U+20BB7" in pages[0], "marked, and a note says which character it was"
    assert "陈〓" in pages[1] and "U+3402" in pages[1]


def test_identical_input_gives_an_identical_file_in_invariant_mode(tmp_path):
    first = write_pdf(
        [people(40), dossier_document()], tmp_path / "a.pdf", invariant=True, toc=True, title="汇编"
    )
    second = write_pdf(
        [people(40), dossier_document()], tmp_path / "b.pdf", invariant=True, toc=True, title="汇编"
    )
    assert first.path.read_bytes() == second.path.read_bytes()
    other = write_pdf(
        [people(41), dossier_document()], tmp_path / "c.pdf", invariant=True, toc=True, title="汇编"
    )
    assert other.path.read_bytes() != first.path.read_bytes()


def test_the_font_is_embedded_as_a_subset(tmp_path):
    result = write_pdf([people(3)], tmp_path / "font.pdf")
    reader = PdfReader(str(result.path))
    fonts = reader.pages[0]["/Resources"]["/Font"]
    embedded = [f.get_object() for f in fonts.values() if f.get_object().get("/Subtype") == "/TrueType"]
    assert embedded
    for font in embedded:
        descriptor = font["/FontDescriptor"].get_object()
        assert "/FontFile2" in descriptor
        assert re.match(r"/[A-Z]{6}\+", font["/BaseFont"]), "a subset's name carries a six-letter tag"
    assert result.path.stat().st_size < 200_000, "only the characters used are embedded"


def test_cancelling_leaves_no_file_and_progress_is_reported(tmp_path):
    calls = []
    path = tmp_path / "名单.pdf"
    with pytest.raises(PdfCancelled):
        write_pdf([people(1000)], path, progress=lambda *a: calls.append(a), cancelled=lambda: len(calls) > 2)
    assert not path.exists() and list(tmp_path.iterdir()) == []
    assert issubclass(PdfCancelled, ExportCancelled)

    calls.clear()
    write_pdf([people(500)], path, progress=lambda *a: calls.append(a))
    done = [c[0] for c in calls]
    assert done == sorted(done) and calls[-1][0] == calls[-1][1]
    assert any("正在" in c[2] for c in calls if len(c) > 2)


def test_an_empty_ledger_still_prints_its_header_and_says_so(tmp_path):
    empty = people(0)
    empty.totals = None
    (text,) = pdf_pages(write_pdf([empty], tmp_path / "empty.pdf").path)
    assert "公民身份号码" in text and "（无记录）" in text and "第 1 页 共 1 页" in text


def test_long_titles_headings_and_many_signatures_stay_on_the_page(tmp_path):
    title = (
        "关于" + "示范大学信息学院计算机系师生联合党支部" * 3 + "二〇二六年度发展党员工作情况的专项检查记录"
    )
    document = Document("check", title, BRANCH * 2, "2026年1月1日至2026年12月31日",
                        [Heading("一、" + "检查情况说明" * 12), Paragraph("内容")], subject="专项检查",
                        printed_on=PRINTED, signatures=["书记", "组织委员", "宣传委员", "纪检委员", "记录人"])  # fmt: skip
    result = write_pdf([document], tmp_path / "long.pdf")
    (text,) = pdf_pages(result.path)
    lines = text.splitlines()
    assert flat(title) in flat(text) and flat(title) not in [flat(line) for line in lines], "the title wraps"
    assert all(f"{label}（签字）" in text for label in document.signatures)
    assert flat("检查情况说明" * 12) in flat(text)


DEJAVU = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")


@pytest.mark.skipif(not DEJAVU.is_file(), reason="needs DejaVu Sans as a stand-in for SimSun-ExtB")
def test_a_system_font_that_has_the_character_prints_it(tmp_path, monkeypatch):
    """On Windows, SimSun-ExtB draws 𠮷; here DejaVu Sans stands in for a character the bundled font lacks."""
    from branchdesk.reports import fonts

    assert missing_glyphs("Ɛ") == {"Ɛ"}
    monkeypatch.setenv(fonts.FALLBACK_ENV, str(DEJAVU))
    fonts.forget_fallbacks()
    try:
        ledger = people(2)
        ledger.rows[0][1] = "阿Ɛ古"
        ledger.rows[1][1] = "吉𠮷祥"
        result = write_pdf([ledger], tmp_path / "fallback.pdf")
        (text,) = pdf_pages(result.path)
        assert "阿Ɛ古" in text, "printed with the system font, not replaced"
        assert result.missing == {"党员名单": {"𠮷"}}, "only what no font draws is missing"
        fonts_used = PdfReader(str(result.path)).pages[0]["/Resources"]["/Font"]
        names = [str(f.get_object()["/BaseFont"]) for f in fonts_used.values()]
        assert any("DejaVu" in n for n in names) and any("WenQuanYi" in n for n in names)
    finally:
        monkeypatch.delenv(fonts.FALLBACK_ENV)
        fonts.forget_fallbacks()


def drawn_lines(path, page_number: int = 0) -> list[tuple[str, float, float]]:
    """(text, x, y) of each line drawn on a page, as the PDF places it."""
    found: list[tuple[str, float, float]] = []

    def visit(text, cm, tm, font_dict, font_size):
        if text.strip():
            found.append((text.strip(), tm[4], tm[5]))

    PdfReader(str(path)).pages[page_number].extract_text(visitor_text=visit)
    return found


def test_a_long_note_in_a_mostly_empty_column_keeps_the_column_wide_enough(tmp_path):
    """A roster's 备注 column, empty but for one long note, is not starved to one character wide
    (which made that row a page tall): the column keeps its own width and the row a few lines."""
    note = "自2025年11月起外出务工，组织关系保留在本支部，按月通过线上方式参加组织生活并交纳党费。"
    ledger = people(16)
    ledger.columns = [*ledger.columns[:4], Column("edu", "学历", "text", 10),
                      Column("group", "所在党小组", "text", 10), Column("phone", "手机号码", "phone", 13),
                      ledger.columns[5], Column("post", "职务", "text", 10, wrap=True),
                      Column("notes", "备注", "text", 12, wrap=True)]  # fmt: skip
    ledger.rows = [[*r[:4], "研究生（博士）", "第十三党小组", "13800000000", r[5], "副教授", ""]
                   for r in ledger.rows]  # fmt: skip
    ledger.rows[5][-1] = note
    ledger.totals = None
    result = write_pdf([ledger], tmp_path / "备注.pdf")
    assert result.pages == 1
    lines = [(t, x, y) for t, x, y in drawn_lines(result.path) if t in note]
    assert flat("".join(t for t, _, _ in lines)) == flat(note)
    assert len({round(y) for _, _, y in lines}) <= 8, "the long note takes a few lines, not a column of them"
    assert min(len(t) for t, _, _ in lines[:-1]) >= 5, "each of its lines holds several characters"
    # the column's width: at least its own (12 half-width characters at the body size)
    from branchdesk.reports.pdf import fit_columns, format_value

    texts = [
        [format_value(c.kind, v) for c, v in zip(ledger.columns, row, strict=True)] for row in ledger.rows
    ]
    for size in (9.0, 8.0):
        widths = fit_columns(ledger.columns, texts, 560, size)
        assert sum(widths) == pytest.approx(560)
        assert widths[-1] >= 12 * size / 2
        assert widths[3] >= text_width(texts[0][3], size), "the ID number stays on one line"


@pytest.mark.parametrize("orientation", ["portrait", "landscape"])
def test_signature_lines_never_stand_alone_on_a_page(tmp_path, orientation):
    """Whatever the number of rows, the page with the signature lines also has the last row and the
    notes: when the signatures do not fit under them, the last row moves to the next page with them."""
    for n in range(24, 62):
        ledger = people(n)
        ledger.orientation = orientation
        result = write_pdf([ledger], tmp_path / f"{n}.pdf")
        pages = pdf_pages(result.path)
        last = ledger.rows[-1][1]
        signed = [text for text in pages if "填表人（签字）" in text]
        assert len(signed) == 1 and "支部书记（签字）" in signed[0]
        assert last in signed[0] and f"共 {n} 人。" in signed[0], f"{n} rows: the signatures stand alone"
        assert all(re.search(r"[王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗]{2}\d{3}", page) for page in pages)


def test_a_document_s_last_block_goes_with_its_signatures(tmp_path):
    for count in range(14, 40):
        blocks = [Paragraph(f"第{i}段：支部委员会认真听取了培养联系人的汇报，认为该同志入党动机端正。", label="情况：")
                  for i in range(1, count)]  # fmt: skip
        blocks.append(Paragraph("最后一段：会议决定按程序报上级党委审批。", label="会议决定："))
        document = Document("minutes", "支部委员会记录", BRANCH, "2026年度", blocks, subject="2026-03-05",
                            printed_on=PRINTED)  # fmt: skip
        pages = pdf_pages(write_pdf([document], tmp_path / f"{count}.pdf").path)
        signed = [text for text in pages if "记录人（签字）" in text]
        assert len(signed) == 1 and "最后一段" in signed[0], f"{count} paragraphs: signatures alone"
