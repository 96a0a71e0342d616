"""Write the shipped Word templates (resources/templates/docs/*.docx) for `branchdesk docs`.

The templates are ordinary Word documents with fields written as {{姓名}}; a branch edits its own copy
in the data folder. Run this after changing a template here, and commit the files it writes:

    .venv/bin/python scripts/make_doc_templates.py
"""

from __future__ import annotations

import sys
from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

OUT = Path(__file__).resolve().parent.parent / "resources" / "templates" / "docs"
BODY_FONT = "宋体"  # 仿宋 / 宋体 are what an office has; LibreOffice substitutes a serif CJK font
TITLE_FONT = "黑体"
SIGN = "中共{{支部名称}}"


def _font(run, name: str, size: float, bold: bool = False) -> None:
    run.font.name = name
    run.font.size = Pt(size)
    run.font.bold = bold
    rpr = run._element.get_or_add_rPr()
    rfonts = rpr.find(qn("w:rFonts"))
    if rfonts is None:
        rfonts = rpr.makeelement(qn("w:rFonts"), {})
        rpr.append(rfonts)
    for key in ("w:eastAsia", "w:ascii", "w:hAnsi"):
        rfonts.set(qn(key), name)


def new_document() -> Document:
    doc = Document()
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.left_margin = section.right_margin = Cm(2.6)
    section.top_margin, section.bottom_margin = Cm(3.0), Cm(2.5)
    normal = doc.styles["Normal"]
    normal.font.name = BODY_FONT
    normal.font.size = Pt(14)
    normal.element.get_or_add_rPr()
    rfonts = normal.element.rPr.find(qn("w:rFonts"))
    if rfonts is None:
        rfonts = normal.element.rPr.makeelement(qn("w:rFonts"), {})
        normal.element.rPr.append(rfonts)
    rfonts.set(qn("w:eastAsia"), BODY_FONT)
    return doc


def title(doc, text: str, size: float = 20) -> None:
    p = doc.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    p.paragraph_format.space_after = Pt(18)
    _font(p.add_run(text), TITLE_FONT, size, bold=True)


def para(doc, text: str, *, indent: bool = True, align=None, size: float = 14, bold: bool = False) -> None:
    p = doc.add_paragraph()
    if indent:
        p.paragraph_format.first_line_indent = Pt(size * 2)
    p.paragraph_format.line_spacing = 1.5
    if align is not None:
        p.alignment = align
    _font(p.add_run(text), BODY_FONT, size, bold)


def signed(doc, *lines: str) -> None:
    doc.add_paragraph()
    for line in lines:
        para(doc, line, indent=False, align=WD_ALIGN_PARAGRAPH.RIGHT)


def form(doc, rows: list[list[str]], widths: list[float], *, tall: dict[int, float] | None = None) -> None:
    """A bordered form: each row a list of cell texts; a row of one text spans the whole width."""
    columns = len(widths)
    table = doc.add_table(rows=0, cols=columns)
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for index, texts in enumerate(rows):
        row = table.add_row()
        cells = row.cells
        if len(texts) < columns:  # label + one wide value
            merged = cells[len(texts) - 1].merge(cells[columns - 1])
            cells = [*cells[: len(texts) - 1], merged]
        for cell, text in zip(cells, texts, strict=False):
            cell.paragraphs[0].text = ""
            _font(cell.paragraphs[0].add_run(text), BODY_FONT, 12)
        if tall and index in tall:
            row.height = Cm(tall[index])
    table.autofit = False
    for column, width in zip(table.columns, widths, strict=True):  # the grid LibreOffice reads
        column.width = Cm(width)
    for row in table.rows:
        for cell, width in zip(row.cells, widths, strict=False):
            cell.width = Cm(width)


PERSON_ROWS = [
    ["姓名", "{{姓名}}", "性别", "{{性别}}"],
    ["民族", "{{民族}}", "出生日期", "{{出生日期}}"],
    ["学历", "{{学历}}", "籍贯", "{{籍贯}}"],
    ["工作单位及职务", "{{工作单位及职务}}"],
]
W4 = [3.4, 4.5, 3.4, 4.5]


def applicant_talk(doc) -> None:
    title(doc, "入党申请人谈话记录")
    para(doc, "党支部：{{支部名称}}", indent=False, size=12)
    form(doc, [
        *PERSON_ROWS,
        ["递交入党申请书日期", "{{递交申请书日期}}", "谈话日期", "{{谈话日期}}"],
        ["谈话地点", "{{谈话地点}}", "谈话人", "{{谈话人}}"],
        ["谈话主要内容", "{{谈话内容}}"],
        ["谈话对象的意见", "\n\n谈话对象（签字）：　　　　　　　年　　月　　日"],
        ["谈话人意见", "\n\n谈话人（签字）：　　　　　　　年　　月　　日"],
    ], W4, tall={6: 9.0, 7: 2.5, 8: 2.5})  # fmt: skip


def activist_publicity(doc) -> None:
    title(doc, "关于拟确定{{姓名}}同志为入党积极分子的公示")
    para(doc, "经{{推荐方式}}、党支部委员会研究，拟确定{{姓名}}同志为入党积极分子。现将有关情况公示如下：")
    para(doc, "{{姓名}}，{{性别}}，{{民族}}，{{出生日期}}出生，{{学历}}，{{工作单位及职务}}，"
              "{{递交申请书日期}}递交入党申请书。")  # fmt: skip
    para(doc, "公示时间：{{公示开始日期}}至{{公示结束日期}}。公示期间，党员和群众可通过来电、来信或来访等方式"
              "向党支部反映情况。反映情况应实事求是，以个人名义反映的请署真实姓名。")  # fmt: skip
    para(doc, "联系地址：{{支部地址}}")
    signed(doc, SIGN, "{{今天}}")


def candidate_publicity(doc) -> None:
    title(doc, "关于拟确定{{姓名}}同志为发展对象的公示")
    para(doc, "经听取党小组、培养联系人、党员和群众意见，党支部委员会研究，拟确定{{姓名}}同志为发展对象。"
              "现将有关情况公示如下：")  # fmt: skip
    para(doc, "{{姓名}}，{{性别}}，{{民族}}，{{出生日期}}出生，{{学历}}，{{工作单位及职务}}。"
              "{{递交申请书日期}}递交入党申请书，{{确定积极分子日期}}被确定为入党积极分子，"
              "培养联系人：{{培养联系人}}。")  # fmt: skip
    para(doc, "公示时间：{{公示开始日期}}至{{公示结束日期}}。公示期间，党员和群众可通过来电、来信或来访等方式"
              "向党支部反映情况。")  # fmt: skip
    para(doc, "联系地址：{{支部地址}}")
    signed(doc, SIGN, "{{今天}}")


def assessment_form(doc) -> None:
    title(doc, "入党积极分子培养考察登记表")
    para(doc, "党支部：{{支部名称}}", indent=False, size=12)
    form(doc, [
        *PERSON_ROWS,
        ["申请入党日期", "{{递交申请书日期}}", "确定积极分子日期", "{{确定积极分子日期}}"],
        ["推荐方式", "{{推荐方式}}", "培养联系人", "{{培养联系人}}"],
        ["培养考察情况（每半年一次）", "\n\n\n培养联系人（签字）：　　　　　　　年　　月　　日"],
        ["党小组意见", "\n\n党小组组长（签字）：　　　　　　　年　　月　　日"],
        ["党支部意见", "\n\n党支部书记（签字）：　　　　党支部（盖章）　　年　　月　　日"],
    ], W4, tall={6: 9.0, 7: 3.0, 8: 3.0})  # fmt: skip


def political_review_letter(doc) -> None:
    title(doc, "关于{{姓名}}同志政治审查情况的函")
    para(doc, "＿＿＿＿＿＿＿＿＿＿党组织：", indent=False)
    para(doc, "{{姓名}}，{{性别}}，{{民族}}，{{出生日期}}出生，公民身份号码{{公民身份号码}}，籍贯{{籍贯}}，"
              "现为我支部发展对象。根据《中国共产党发展党员工作细则》第十六条的规定，需对其进行政治审查。"
              "请贵单位协助提供该同志（或其直系亲属、与本人关系密切的主要社会关系）的政治表现情况，"
              "并填写回执后加盖公章寄回。")  # fmt: skip
    para(doc, "联系地址：{{支部地址}}")
    signed(doc, SIGN, "{{今天}}")
    para(doc, "－－－－－－－－－－（回　执）－－－－－－－－－－", indent=False,
         align=WD_ALIGN_PARAGRAPH.CENTER)  # fmt: skip
    para(doc, "关于{{姓名}}同志政治表现情况：", indent=False)
    for _ in range(4):
        para(doc, "", indent=False)
    signed(doc, "（盖章）", "年　　月　　日")


def prereview_request(doc) -> None:
    title(doc, "关于{{姓名}}同志发展为预备党员的预审请示")
    para(doc, "{{上级党委}}：", indent=False)
    para(doc, "{{姓名}}同志于{{递交申请书日期}}递交入党申请书，{{确定积极分子日期}}被确定为入党积极分子，"
              "{{确定发展对象日期}}被确定为发展对象，入党介绍人为{{入党介绍人}}。"
              "该同志已于{{集中培训时间}}参加集中培训（{{集中培训学时}}学时），"
              "{{政治审查日期}}完成政治审查，结论为{{政治审查结论}}。{{支委会审查日期}}经党支部委员会审查，"
              "认为该同志已基本具备党员条件。")  # fmt: skip
    para(doc, "现将该同志的有关材料报上，请予预审。")
    para(doc, "妥否，请批示。")
    signed(doc, SIGN, "{{今天}}")


def approval_request(doc) -> None:
    title(doc, "关于接收{{姓名}}同志为预备党员的请示")
    para(doc, "{{上级党委}}：", indent=False)
    para(doc, "{{接收大会日期}}，党支部召开支部党员大会，讨论{{姓名}}同志的入党问题。"
              "有表决权的应到会党员{{接收应到}}名，实到会{{接收实到}}名。经无记名投票表决，"
              "赞成{{接收赞成}}票，反对{{接收反对}}票，弃权{{接收弃权}}票，"
              "赞成票超过应到会有表决权党员的半数，同意接收{{姓名}}同志为中共预备党员。")  # fmt: skip
    para(
        doc,
        "该同志的入党志愿书编号为{{入党志愿书编号}}，{{预审日期}}经上级党委预审。现将有关材料报上，请予审批。",
    )
    para(doc, "妥否，请批示。")
    signed(doc, SIGN, "{{今天}}")


def admission_resolution(doc) -> None:
    title(doc, "中共{{支部名称}}支部大会关于接收{{姓名}}同志为预备党员的决议")
    para(doc, "{{接收大会日期}}，党支部召开支部党员大会，讨论{{姓名}}同志的入党问题。"
              "有表决权的应到会党员{{接收应到}}名，实到会{{接收实到}}名。")  # fmt: skip
    para(doc, "会议听取了{{姓名}}同志对入党的认识、入党动机和本人履历等情况的汇报，"
              "入党介绍人{{入党介绍人}}介绍了该同志的有关情况，党支部报告了对其培养教育和考察情况。"
              "与会党员进行了充分讨论，认为该同志已具备党员条件。")  # fmt: skip
    para(doc, "经无记名投票表决，赞成{{接收赞成}}票，反对{{接收反对}}票，弃权{{接收弃权}}票，"
              "同意接收{{姓名}}同志为中共预备党员，报上级党委审批。")  # fmt: skip
    signed(doc, SIGN, "{{今天}}")


def conversion_resolution(doc) -> None:
    title(doc, "中共{{支部名称}}支部大会关于{{姓名}}同志预备党员转正的决议")
    para(doc, "{{姓名}}同志于{{入党日期}}被支部大会接收为中共预备党员，预备期至{{预备期满日期}}期满。"
              "{{转正申请日期}}，本人提出转正申请。")  # fmt: skip
    para(doc, "{{转正大会日期}}，党支部召开支部党员大会，讨论{{姓名}}同志的转正问题。有表决权的应到会党员"
              "{{转正应到}}名，实到会{{转正实到}}名。经无记名投票表决，赞成{{转正赞成}}票，反对{{转正反对}}票，"
              "弃权{{转正弃权}}票，同意{{姓名}}同志按期转为中共正式党员，党龄自{{预备期满日期}}算起，"
              "报上级党委审批。")  # fmt: skip
    signed(doc, SIGN, "{{今天}}")


def conversion_publicity(doc) -> None:
    title(doc, "关于{{姓名}}同志预备党员转正的公示")
    para(doc, "{{姓名}}，{{性别}}，{{民族}}，{{出生日期}}出生，{{学历}}，{{工作单位及职务}}，"
              "{{入党日期}}被接收为中共预备党员，预备期至{{预备期满日期}}期满，本人已提出转正申请。"
              "经党支部委员会研究，拟提交支部党员大会讨论其转正问题。")  # fmt: skip
    para(doc, "公示时间：{{转正公示开始日期}}至{{转正公示结束日期}}。公示期间，党员和群众可通过来电、来信或来访"
              "等方式向党支部反映情况。")  # fmt: skip
    para(doc, "联系地址：{{支部地址}}")
    signed(doc, SIGN, "{{今天}}")


def meeting_notice(doc) -> None:
    title(doc, "关于召开{{会议名称}}的通知")
    para(doc, "各位同志：", indent=False)
    para(doc, "党支部定于{{会议日期}}{{会议时间}}在{{会议地点}}召开{{会议名称}}，主题：{{会议主题}}。")
    para(doc, "会议议程：", indent=False)
    para(doc, "{{会议议程}}")
    para(doc, "请{{参会人员}}准时参加。因故不能参加的，请提前向党支部书记请假。")
    signed(doc, SIGN, "{{今天}}")


def meeting_minutes(doc) -> None:
    title(doc, "{{会议名称}}记录")
    para(doc, "党支部：{{支部名称}}", indent=False, size=12)
    form(doc, [
        ["会议时间", "{{会议日期}} {{会议时间}}", "会议地点", "{{会议地点}}"],
        ["主持人", "{{主持人}}", "记录人", "{{记录人}}"],
        ["应到人数", "{{应到人数}}", "实到人数", "{{实到人数}}"],
        ["出席人员", "{{出席人员}}"],
        ["缺席人员及原因", "{{缺席人员}}"],
        ["列席人员", "{{列席人员}}"],
        ["会议主题", "{{会议主题}}"],
        ["会议议程", "{{会议议程}}"],
        ["发言记录", "{{发言记录}}"],
        ["会议决定", "{{会议决定}}"],
        ["签字", "主持人（签字）：　　　　　　记录人（签字）：　　　　　　日期：　　年　　月　　日"],
    ], W4, tall={8: 8.0})  # fmt: skip


TEMPLATES = {
    "applicant_talk": applicant_talk,
    "activist_publicity": activist_publicity,
    "candidate_publicity": candidate_publicity,
    "assessment_form": assessment_form,
    "political_review_letter": political_review_letter,
    "prereview_request": prereview_request,
    "approval_request": approval_request,
    "admission_resolution": admission_resolution,
    "conversion_resolution": conversion_resolution,
    "conversion_publicity": conversion_publicity,
    "meeting_notice": meeting_notice,
    "meeting_minutes": meeting_minutes,
}


def main() -> int:
    OUT.mkdir(parents=True, exist_ok=True)
    for name, build in TEMPLATES.items():
        doc = new_document()
        build(doc)
        doc.core_properties.author = "branchdesk"
        doc.save(str(OUT / f"{name}.docx"))
        print(OUT / f"{name}.docx")
    return 0


if __name__ == "__main__":
    sys.exit(main())
