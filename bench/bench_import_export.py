"""Benchmark: import a 10,000-row roster from .xlsx, then export the 10,000-member roster to .xlsx.

Goals (issue 2 and the ledgers issue): import (read + apply) ≤ 3 s; roster xlsx ≤ 1.5 s.

    .venv/bin/python bench/bench_import_export.py [--rows 10000] [--profile]

Builds a synthetic roster file in a temporary folder (realistic column names, a title row above the
header, valid ID numbers and dates), imports it into a fresh migrated SQLite database, re-imports it
(every row matched by ID number), changes nothing, and exports the roster. Prints the timings.
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import pstats
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from branchdesk.workspace import Workspace

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国文红梅玉兰志海波宁晨雪婷浩宇轩子涵欣怡俊思远嘉"
REGIONS = ("350102", "110101", "310104", "440106", "330106", "510107", "420106", "370102")
HEADER = ["序号", "姓名", "性别", "民族", "出生年月", "身份证号", "学历", "党员类别", "党小组", "入党时间",
          "转正时间", "工作单位", "职务", "联系电话", "家庭住址", "备注"]  # fmt: skip


def roster_rows(n: int, seed: int = 7) -> list[list]:
    from branchdesk.domain.citizen_id import make_citizen_id
    from branchdesk.domain.dates import add_years
    from branchdesk.domain.vocab import EDUCATION_LEVELS, MemberType

    rng = random.Random(seed)
    rows = []
    used = set()
    for i in range(n):
        sex = rng.choice("男女")
        while True:
            birth = dt.date(1950, 1, 1) + dt.timedelta(days=rng.randrange(0, 365 * 50))
            region, seq = rng.choice(REGIONS), rng.randrange(0, 500)
            id_number = make_citizen_id(region, birth, seq, sex)
            if id_number not in used:
                used.add(id_number)
                break
        name = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.randint(1, 2)))
        join = add_years(birth, rng.randint(19, 40)) + dt.timedelta(days=rng.randrange(0, 300))
        probationary = join > dt.date(2025, 12, 1)
        if join > dt.date(2026, 10, 1):
            join = dt.date(2026, 10, 1) - dt.timedelta(days=rng.randrange(0, 300))
            probationary = True
        conversion = None if probationary else add_years(join, 1)
        rows.append([
            i + 1, name, sex, "汉族", f"{birth.year}.{birth.month:02d}", id_number,
            rng.choice(EDUCATION_LEVELS[:4]),
            (MemberType.PROBATIONARY if probationary else MemberType.FULL).label,
            f"第{'一二三四五六七八'[i % 8]}党小组", join, conversion, "某某大学" + rng.choice("文理工医农法商"),
            rng.choice(["讲师", "副教授", "教授", "科员", "科长", ""]),
            f"1{rng.choice('3589')}{rng.randrange(10**9):09d}", "某市某区某路 " + str(rng.randrange(1, 999)) + " 号",
            "",
        ])  # fmt: skip
    return rows


def write_roster_file(path: Path, rows: list[list], *, shared_strings: bool = True) -> None:
    """The roster as Excel or WPS would save it: text in a shared-strings table (openpyxl itself writes
    inline strings, which only a file exported by openpyxl-based tools has)."""
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("花名册")
    ws.append(["某某大学机关第一党支部党员花名册"])
    ws.append(
        ["填报单位：某某大学机关第一党支部", None, None, None, None, None, None, None, "填报日期：2026年11月"]
    )
    ws.append(HEADER)
    for row in rows:
        ws.append(row)
    wb.save(path)
    if shared_strings:
        _to_shared_strings(path)


def _to_shared_strings(path: Path) -> None:
    import re
    import zipfile

    with zipfile.ZipFile(path) as source:
        parts = {info.filename: source.read(info.filename) for info in source.infolist()}
    index: dict[str, int] = {}

    def shared(match: re.Match) -> str:
        number = index.setdefault(match.group(2), len(index))
        return f'<c{match.group(1)} t="s"><v>{number}</v></c>'

    sheet = parts["xl/worksheets/sheet1.xml"].decode()
    sheet = re.sub(r'<c([^>]*?) t="inlineStr"><is><t>(.*?)</t></is></c>', shared, sheet)
    parts["xl/worksheets/sheet1.xml"] = sheet.encode()
    items = "".join(f"<si><t>{text}</t></si>" for text in index)  # already escaped in the sheet
    parts["xl/sharedStrings.xml"] = (
        '<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/'
        f'spreadsheetml/2006/main" uniqueCount="{len(index)}">{items}</sst>'
    ).encode()
    rels = parts["xl/_rels/workbook.xml.rels"].decode()
    parts["xl/_rels/workbook.xml.rels"] = rels.replace(
        "</Relationships>",
        '<Relationship Id="rIdSst" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>',
    ).encode()
    types = parts["[Content_Types].xml"].decode()
    parts["[Content_Types].xml"] = types.replace(
        "</Types>",
        '<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>',
    ).encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for name, data in parts.items():
            target.writestr(name, data)


def _fresh_database(path: Path):
    from branchdesk.config import resolve_location
    from branchdesk.db.migrate import open_database
    from branchdesk.services.branch import BranchProfile

    db, _ = open_database(resolve_location(str(path)), user="bench")
    Workspace.open(db).branch.save_profile(BranchProfile(name="某某大学机关第一党支部"))
    return db


def _cli(*args: str) -> float:
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "branchdesk", *args], capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise SystemExit(f"branchdesk {' '.join(args)} failed:\n{done.stderr}")
    return time.perf_counter() - start


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument(
        "--repeat", type=int, default=3, help="rounds; the machine is shared, so best and median"
    )
    parser.add_argument("--profile", choices=["read", "apply", "export"], default=None)
    args = parser.parse_args(argv)

    # warm the lazy imports outside the timings (the GUI imports in a warm process)
    from pypinyin import lazy_pinyin

    from branchdesk.reports.roster import roster_ledger
    from branchdesk.reports.xlsx import write_xlsx
    from branchdesk.services.imports import apply_roster, read_roster

    lazy_pinyin("热身")
    profiler = cProfile.Profile() if args.profile else None

    def run(stage: str, fn, *a):
        """(result, wall seconds, cpu seconds); profiled when asked."""
        if profiler and args.profile == stage:
            profiler.enable()
        start, cpu = time.perf_counter(), time.process_time()
        try:
            value = fn(*a)
        finally:
            if profiler and args.profile == stage:
                profiler.disable()
        return value, time.perf_counter() - start, time.process_time() - cpu

    timings: dict[str, list[float]] = {}

    def note(label: str, seconds: float) -> None:
        timings.setdefault(label, []).append(seconds)

    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        roster = tmp_path / "roster.xlsx"
        write_roster_file(roster, roster_rows(args.rows))
        print(
            f"roster file: {args.rows} rows, {roster.stat().st_size / 1024:.0f} KiB (shared strings, as Excel saves)"
        )
        for round_ in range(args.repeat):
            db = _fresh_database(tmp_path / f"bench{round_}.sqlite")
            ws = Workspace.open(db)
            plan, t_read, _ = run("read", read_roster, roster)
            assert not plan.errors, plan.errors[:5]
            result, t_apply, _ = run("apply", apply_roster, ws, plan)
            assert result.created == args.rows
            note("read_roster", t_read)
            note("apply_roster (new members)", t_apply)
            note("IMPORT read + apply (goal ≤ 3 s)", t_read + t_apply)
            plan, t_read, _ = run("read", read_roster, roster)
            result, t_apply, _ = run("apply", apply_roster, ws, plan)
            assert result.unchanged == args.rows
            note("re-import, all unchanged", t_read + t_apply)
            ledger, t_ledger, _ = run("export", roster_ledger, ws)
            _, t_write, _ = run("export", write_xlsx, [ledger], tmp_path / "roster_out.xlsx")
            note("roster_ledger", t_ledger)
            note("write_xlsx", t_write)
            note("ROSTER XLSX ledger + write (goal ≤ 1.5 s)", t_ledger + t_write)
            db.dispose()

            # the command line, cold: a new process that imports modules, opens the database, works
            cold = tmp_path / f"cold{round_}.sqlite"
            _fresh_database(cold).dispose()
            note(
                "CLI import members (new process)", _cli("--db", str(cold), "import", "members", str(roster))
            )
            out = tmp_path / "cold_roster.xlsx"
            note(
                "CLI export roster (new process)", _cli("--db", str(cold), "export", "roster", "-o", str(out))
            )

    print(f"{'':44} {'best':>7} {'median':>7}   ({args.repeat} rounds, wall clock)")
    for label, values in timings.items():
        print(f"{label:<44} {min(values):7.3f} {statistics.median(values):7.3f}")
    if profiler:
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(30)
    return 0


if __name__ == "__main__":
    sys.exit(main())
