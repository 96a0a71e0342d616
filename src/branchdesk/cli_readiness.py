"""The readiness commands (issue 16): ``assess``, ``todo`` and ``rubric list|export|import``."""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path


def add_parsers(sub) -> None:
    from branchdesk.cli import _as_of as date_type
    from branchdesk.cli import _year as year_type

    assess = sub.add_parser(
        "assess", help="按评分细则（默认红旗党支部）自评打分，列出得分、佐证和迎检前可提分的事项"
    )
    assess.add_argument("--year", type=year_type, metavar="年份", help="年度（默认今年）")
    assess.add_argument("--rubric", metavar="名称", help="评分细则名称（rubric list 列出）")
    assess.add_argument("--json", action="store_true", help="以 JSON 输出")
    assess.add_argument("--as-of", type=date_type, metavar="日期", help=argparse_suppress())
    todo = sub.add_parser("todo", help="工作台：本月待办事项（发展党员、会议、换届、失联、年度计划）")
    todo.add_argument("--json", action="store_true", help="以 JSON 输出")
    todo.add_argument("--as-of", type=date_type, metavar="日期", help="日期（默认今天），如 2026-11-23")
    rubric = sub.add_parser("rubric", help="评分细则：list 列出；export 导出为 Excel；import 从 Excel 导入")
    rubric.add_argument("action", choices=["list", "export", "import"], metavar="list|export|import")
    rubric.add_argument("file", nargs="?", type=Path, metavar="文件", help="export/import 的 .xlsx 文件")
    rubric.add_argument(
        "--name", metavar="名称", help="评分细则名称（export 默认红旗党支部；import 默认表中名称）"
    )
    rubric.add_argument(
        "--year", type=year_type, metavar="年份", help="年度（默认今年；import 默认表中年度）"
    )
    rubric.add_argument("--force", action="store_true", help="export 时覆盖已有文件")


def argparse_suppress():
    import argparse

    return argparse.SUPPRESS


def cmd_assess(args) -> int:
    from branchdesk.cli import _workspace as workspace
    from branchdesk.domain.rubric import points_text

    ws = workspace(args)
    year = args.year or dt.date.today().year
    from branchdesk.cli import CliError
    from branchdesk.domain.errors import NotFoundError

    try:
        a = ws.readiness.assess(year, args.rubric, as_of=args.as_of)
    except NotFoundError as exc:
        raise CliError(str(exc)) from exc
    if args.json:
        json.dump(a.to_dict(), sys.stdout, ensure_ascii=False, indent=1)
        sys.stdout.write("\n")
        return 0
    lines = [f"{a.rubric.name}自评（{year}年度）：{points_text(a.score)} / {points_text(a.max)} 分"]
    for d in a.dimensions:
        lines.append(f"\n{d.name}　{points_text(d.score)} / {points_text(d.max)}")
        for i in d.items:
            how = "自动" if i.how == "auto" else ("人工" if i.scored else "待评")
            note = i.summary or i.comment
            lines.append(f"  {i.item.key} {i.item.name}　{points_text(i.score)}/{points_text(i.max)}（{how}）"
                         + (f"　{note}" if note else ""))  # fmt: skip
    actions = a.actions
    if actions:
        lines.append("\n迎检前可提分的事项：")
        lines.extend(f"  {n}. {x.text}" for n, x in enumerate(actions[:20], start=1))
        if len(actions) > 20:
            lines.append(f"  …… 共 {len(actions)} 项（--json 列出全部）")
    print("\n".join(lines))
    return 0


def cmd_todo(args) -> int:
    from branchdesk.cli import _workspace as workspace

    ws = workspace(args)
    as_of = args.as_of or dt.date.today()
    todos = ws.workbench.todos(as_of)
    if args.json:
        payload = {"as_of": as_of.isoformat(), "todos": [t.to_dict() for t in todos]}
        json.dump(payload, sys.stdout, ensure_ascii=False, indent=1)
        sys.stdout.write("\n")
        return 0
    from branchdesk.domain.dates import format_date

    if not todos:
        print(f"{format_date(as_of)}：本月没有待办事项。")
        for step in ws.workbench.first_steps():
            print(step)
        return 0
    for t in todos:
        mark = "【已逾期】" if t.overdue else ""
        print(f"{format_date(t.due)}　[{t.area}] {mark}{t.text}")
    print(f"共 {len(todos)} 项待办（已逾期 {sum(t.overdue for t in todos)} 项）。")
    return 0


def cmd_rubric(args) -> int:
    from branchdesk.cli import CliError as error
    from branchdesk.cli import _workspace as workspace
    from branchdesk.domain.rubric import RubricError

    if args.action == "list":
        ws = workspace(args)
        r = ws.readiness
        for name in r.rubric_names():
            years = r.rubric_years(name)
            rubric = r.rubric(name, args.year)
            own = f"本支部版本：{'、'.join(f'{y}年' for y in years)}" if years else "程序自带"
            print(
                f"{name}　{len(rubric.dimensions)} 个维度，{len(rubric.items())} 项，共 {rubric.points} 分（{own}）"
            )
        return 0
    if args.file is None:
        raise error(f"rubric {args.action} 需要给出 .xlsx 文件")
    if args.action == "export":
        from branchdesk.config import resolve_location
        from branchdesk.services.output_guard import OutputRefused, check_output

        ws = workspace(args)
        try:
            check_output(args.file, db_path=resolve_location(args.db).sqlite_path, force=args.force)
        except OutputRefused as exc:
            raise error(str(exc)) from exc
        from branchdesk.domain.errors import NotFoundError

        try:
            path = ws.readiness.export_rubric(args.file, args.name, args.year)
        except NotFoundError as exc:
            raise error(str(exc)) from exc
        print(f"已导出评分细则：{path}")
        return 0
    from branchdesk.services.xlsx_reader import XlsxFileError

    if not args.file.exists():
        raise error(f"找不到文件 {args.file}")
    ws = workspace(args, write=True)
    try:
        rubric = ws.readiness.import_rubric(args.file, name=args.name, year=args.year)
    except XlsxFileError as exc:
        raise error(f"{args.file.name}：{exc}") from exc
    except RubricError as exc:
        raise error("评分细则有误，未导入任何内容：\n" + "\n".join(f"  {p}" for p in exc.problems)) from exc
    print(f"已导入评分细则“{rubric.name}”（{rubric.year}年）：{len(rubric.dimensions)} 个维度，"
          f"{len(rubric.items())} 项，共 {rubric.points} 分。")  # fmt: skip
    return 0
