"""A rubric as an Excel sheet (issue 16): what `branchdesk rubric export` writes, `rubric import` reads back.

Sheet 评分细则: a title row (名称, 年度), then the header row ``domain.rubric.ROW_COLUMNS`` and one row per
item. Sheet 指标说明: the metric names an automatic item may use, with what each counts. A file with any
problem is refused as a whole, every problem named by row and field.
"""

from __future__ import annotations

from pathlib import Path

from branchdesk.domain.rubric import ROW_COLUMNS, Rubric, RubricError

SHEET = "评分细则"
METRIC_SHEET = "指标说明"


def write_rubric(rubric: Rubric, path: Path, metrics: dict[str, str]) -> Path:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    wb = Workbook()
    ws = wb.active
    ws.title = SHEET
    ws.append(["名称", rubric.name, "年度", rubric.year or ""])
    ws.append(list(ROW_COLUMNS))
    for cell in ws[2]:
        cell.font = Font(bold=True)
    for row in rubric.rows():
        ws.append([row[c] for c in ROW_COLUMNS])
    for row in ws.iter_rows(min_row=1):
        for cell in row:
            if cell.data_type == "f":  # text is text (formula injection)
                cell.data_type = "s"
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    for col, width in zip("ABCDEFGHIJKL", (10, 6, 36, 6, 8, 22, 8, 8, 8, 18, 18, 30), strict=True):
        ws.column_dimensions[col].width = width
    info = wb.create_sheet(METRIC_SHEET)
    info.append(["指标", "说明"])
    for name, label in sorted(metrics.items()):
        info.append([name, label])
    info.append([])
    info.append(
        [
            "计分规则",
            "扣分：每缺一项扣“每项扣分”，最低为“最低得分”；分档：写成“1=5；0.9=4”，即达到该数值（比例或个数）得该分",
        ]
    )
    info.column_dimensions["A"].width = 24
    info.column_dimensions["B"].width = 80
    path = Path(path)
    wb.save(path)
    return path


def read_rubric(
    path: Path, *, name: str | None = None, year: int | None = None, known_metrics=None
) -> Rubric:
    """The rubric of a sheet written by :func:`write_rubric` (or typed in by hand with its header row);
    RubricError naming every bad row and field; XlsxFileError for a file that is not a workbook."""
    from branchdesk.services.xlsx_reader import open_sheet

    with open_sheet(path, preferred=(SHEET,)) as sheet:
        rows = list(sheet.rows())
    header_at, title = None, {}
    for n, values in rows[:10]:
        cells = [("" if v is None else str(v).strip()) for v in values]
        if "评分项目" in cells and "分值" in cells:
            header_at = (n, cells)
            break
        if cells and cells[0] == "名称":
            title = {"name": cells[1] if len(cells) > 1 else "", "year": cells[3] if len(cells) > 3 else ""}
    if header_at is None:
        raise RubricError(["没有找到表头（应有“维度”“评分项目”“分值”“评分方式”等列）"])
    n0, header = header_at
    missing = [c for c in ("维度", "评分项目", "分值") if c not in header]
    if missing:
        raise RubricError([f"第{n0}行表头缺少“{c}”列" for c in missing])
    body = []
    for n, values in rows:
        if n <= n0:
            continue
        row = {h: values[i] for i, h in enumerate(header) if h and i < len(values)}
        if all(v is None or str(v).strip() == "" for v in row.values()):
            continue
        body.append((n, row))
    rubric_name = (name or title.get("name") or Path(path).stem).strip()
    y = year
    if y is None and str(title.get("year", "")).strip():
        text = str(title["year"]).strip().removesuffix("年").split(".")[0]
        if not text.isdigit():
            raise RubricError([f"第1行“年度”“{title['year']}”不是年份"])
        y = int(text)
    return Rubric.from_rows(rubric_name, y, body, known_metrics=known_metrics)
