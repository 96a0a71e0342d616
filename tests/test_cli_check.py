"""`branchdesk check`, `import development` and `export development` as a secretary runs them."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import replace

import pytest
from openpyxl import load_workbook

from branchdesk.cli import main
from branchdesk.domain.citizen_id import make_citizen_id
from branchdesk.domain.development import Person
from tests.unit.dev_builders import complete


@pytest.fixture
def db_arg(db, location):
    return ["--db", str(location.sqlite_path)]


@pytest.fixture
def dev(ws):
    return ws.development


def run_json(db_arg, capsys, *extra) -> tuple[int, dict]:
    code = main([*db_arg, "check", "--json", *extra])
    return code, json.loads(capsys.readouterr().out)


def on_the_roster(ws, dossier):
    """The member file the admitted person has (the consistency rules compare roster and dossier)."""
    from branchdesk.domain.members import MemberFields
    from branchdesk.domain.vocab import MemberType

    member = ws.members.create(
        MemberFields(name=dossier.person.name, birth_date=dossier.person.birth_date, member_type=MemberType.FULL,
                     join_date=dossier.admission_meeting_date, conversion_date=dossier.full_member_date)
    )  # fmt: skip
    return member.id


def test_a_clean_branch_passes_with_exit_status_0(ws, db_arg, dev, capsys):
    d = replace(complete(), id=None)
    dev.save(d, member_id=on_the_roster(ws, d))
    assert main([*db_arg, "check", "--as-of", "2026-11-23"]) == 0
    out = capsys.readouterr().out
    assert "共检查 1 份发展党员档案" in out and "未发现问题" in out


def test_a_blocking_finding_is_listed_in_chinese_and_exits_1(db_arg, dev, capsys):
    dev.save(replace(complete(), id=None))
    dev.create(Person("小明", dt.date(2009, 3, 1)), dt.date(2026, 9, 1))  # 17 when he applied
    assert main([*db_arg, "check", "--as-of", "2026-11-23"]) == 1
    out = capsys.readouterr().out
    [line] = [x for x in out.splitlines() if "DEV-AGE" in x]
    assert line.startswith("[严重] 小明") and "第1步 递交入党申请书" in line and "18" in line
    assert "出生日期：2009年" in line or "2009" in line, "the dates involved are shown"
    assert "严重 1 个" in out


def test_json_output_parses_and_counts_the_findings(db_arg, dev, capsys):
    dev.create(Person("小明", dt.date(2009, 3, 1)), dt.date(2026, 9, 1))
    code, report = run_json(db_arg, capsys, "--as-of", "2026-09-20")
    assert code == 1
    assert (report["as_of"], report["dossiers"], report["blocking"]) == ("2026-09-20", 1, 1)
    [finding] = report["findings"]
    assert (finding["code"], finding["person"], finding["severity"]) == ("DEV-AGE", "小明", "blocking")
    assert finding["dates"]["application"] == "2026-09-01"


def test_as_of_decides_whether_a_talk_is_overdue(db_arg, dev, capsys):
    dev.create(Person("冯等", dt.date(1996, 1, 1)), dt.date(2026, 10, 8))
    code, early = run_json(db_arg, capsys, "--as-of", "2026-11-01")
    assert (code, early["findings"]) == (0, [])
    code, late = run_json(db_arg, capsys, "--as-of", "2026年11月20日")
    [finding] = late["findings"]
    assert (finding["code"], finding["overdue"], finding["severity"]) == ("DEV-TALK-1M", True, "warning")
    assert code == 0, "a warning alone does not fail the check"


def test_a_malformed_date_is_refused_by_the_parser(db_arg, capsys):
    with pytest.raises(SystemExit) as caught:
        main([*db_arg, "check", "--as-of", "2026-02-30"])
    assert caught.value.code == 2
    assert "--as-of" in capsys.readouterr().err


# ---- the development ledger in and out ----------------------------------------------------------
def two_people(dev):
    first = replace(complete(), id=None, person=Person("李明", dt.date(1995, 5, 1),
                                                      make_citizen_id("110105", dt.date(1995, 5, 1), 7, "男")))  # fmt: skip
    second = dev.create(Person("赵小雨", dt.date(2001, 4, 9), make_citizen_id("110105", dt.date(2001, 4, 9), 3, "女")),
                        dt.date(2026, 10, 8))  # fmt: skip
    return dev.save(first), second.id


def test_export_then_reimport_updates_the_same_dossiers_by_id_number(db_arg, dev, tmp_path, capsys):
    ids = two_people(dev)
    before = dev.get_many(list(ids))
    path = tmp_path / "发展台账.xlsx"
    assert main([*db_arg, "export", "development", "--format", "xlsx", "-o", str(path)]) == 0
    assert "2 人" in capsys.readouterr().out

    assert main([*db_arg, "import", "development", str(path), "--dry-run"]) == 0
    assert "试运行" in capsys.readouterr().out
    assert main([*db_arg, "import", "development", str(path)]) == 0
    out = capsys.readouterr().out
    assert "新建 0 份" in out and "更新 2 份" in out
    assert len(dev.all()) == 2, "matched by ID number: nothing duplicated"
    assert dev.get_many(list(ids)) == before, (
        "re-importing the exported ledger changes nothing, not even what the ledger has no column for "
        "(a talk's place and summary, who decided)"
    )


def test_a_file_with_a_bad_row_imports_nothing(db_arg, dev, tmp_path, capsys):
    two_people(dev)
    path = tmp_path / "发展台账.xlsx"
    main([*db_arg, "export", "development", "-o", str(path)])
    wb = load_workbook(path)
    ws = wb.active
    header_row = next(r for r in range(1, 10) if any(c.value == "姓名" for c in ws[r]))
    col = next(
        c.column for c in ws[header_row] if c.value and "申请" in str(c.value) and "日期" in str(c.value)
    )
    ws.cell(header_row + 1, 1).value  # noqa: B018 - the first data row exists
    for row in range(header_row + 1, ws.max_row + 1):
        if ws.cell(row, 2).value:
            ws.cell(row, 2).value = f"新{ws.cell(row, 2).value}"
    ws.cell(header_row + 1, col).value = "2026年13月1日"
    ws.cell(header_row + 1, 3).value = None
    wb.save(path)
    capsys.readouterr()
    names_before = sorted(d.person.name for d in dev.all())
    assert main([*db_arg, "import", "development", str(path)]) == 1
    err = capsys.readouterr().err
    assert "未导入任何数据" in err and "行" in err
    assert sorted(d.person.name for d in dev.all()) == names_before


def test_the_ledger_carries_each_exclusion_with_its_kind_and_approval_and_refuses_a_trip(
    db_arg, dev, tmp_path, capsys
):
    """Issue 12 §2: the exported ledger names the voters left out of 应到 with kind and approval; importing
    it into a fresh database restores them; a ledger saying 出差 there is refused."""
    from branchdesk.domain.votes import Exclusion, ExclusionKind
    from branchdesk.services.development import VoteExclusion

    first, _second = two_people(dev)
    approved = Exclusion(
        ExclusionKind.ABROAD, dt.date(2024, 7, 20), "某某学院党委", "2024年7月25日支部党员大会决定"
    )
    dev.import_exclusions(
        {first: {"admission_vote": [VoteExclusion("王强", "出国访学", None, approved)]}}, "测试"
    )
    path = tmp_path / "发展台账.xlsx"
    assert main([*db_arg, "export", "development", "--format", "xlsx", "-o", str(path)]) == 0
    wb = load_workbook(path)
    ws = wb.active
    header_row = next(r for r in range(1, 10) if any(c.value == "姓名" for c in ws[r]))
    col = next(c.column for c in ws[header_row] if c.value == "接收不计入应到人员")
    cell = next(ws.cell(r, col).value for r in range(header_row + 1, ws.max_row + 1) if ws.cell(r, col).value)
    assert cell == "王强：出国（境）六个月以上；某某学院党委2024-07-20同意；2024年7月25日支部党员大会决定"

    from branchdesk.services.dev_import import apply_development, read_development

    found = read_development(path)
    assert found.ok, found.describe()
    [(row, excluded)] = found.exclusions.items()
    [x] = excluded["admission_vote"]
    assert (
        x.name,
        x.exclusion.kind,
        x.exclusion.approved_on,
        x.exclusion.approved_by,
        x.exclusion.decision,
    ) == ("王强", ExclusionKind.ABROAD, dt.date(2024, 7, 20), "某某学院党委", "2024年7月25日支部党员大会决定")
    apply_development(dev.ws, found)
    assert dev.exclusions(first)["admission_vote"][0].exclusion == replace(
        approved, note="出国（境）六个月以上"
    )

    ws.cell(row, col).value = "王强：出差"
    wb.save(path)
    refused = read_development(path)
    assert not refused.ok and "“出差”不是不计入应到的情形" in refused.issues[0].message
