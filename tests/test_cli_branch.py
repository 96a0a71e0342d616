"""`--branch` on the command line: the only branch by default; with several, the one named or a clear
error listing them (accounts are the database's, so `users` needs no branch)."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import insert

from branchdesk.cli import main
from branchdesk.db.models import Branch
from branchdesk.domain.members import MemberFields
from branchdesk.workspace import Workspace


@pytest.fixture
def db_arg(db, location):
    return ["--db", str(location.sqlite_path)]


@pytest.fixture
def two_branches(db, ws):
    ws.members.create(MemberFields(name="教工甲", join_date=dt.date(2001, 7, 1)))
    with db.write("新建支部") as session:
        second = session.execute(
            insert(Branch).values(name="学生第一党支部").returning(Branch.id)
        ).scalar_one()
    Workspace.open(db, second).members.create(MemberFields(name="学生乙", join_date=dt.date(2024, 7, 1)))
    return second


def test_one_branch_needs_no_option(db_arg, capsys):
    assert main([*db_arg, "check"]) == 0
    assert "共检查" in capsys.readouterr().out


def test_several_branches_without_the_option_are_listed_and_nothing_runs(db_arg, two_branches, capsys):
    assert main([*db_arg, "check"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("错误：数据库中有 2 个支部") and "--branch" in err
    assert "测试学院教工第一党支部" in err and "学生第一党支部" in err


def test_the_named_branch_is_the_one_exported(db_arg, two_branches, tmp_path, capsys):
    from openpyxl import load_workbook

    out = tmp_path / "花名册.xlsx"
    assert main([*db_arg, "--branch", "学生第一党支部", "export", "roster", "-o", str(out)]) == 0
    names = {c.value for row in load_workbook(out).active.iter_rows() for c in row}
    assert "学生乙" in names and "教工甲" not in names
    assert main([*db_arg, "--branch", str(two_branches), "check"]) == 0


def test_an_unknown_branch_is_refused_in_one_line(db_arg, capsys):
    assert main([*db_arg, "--branch", "第九党支部", "check"]) == 2
    assert "没有名为“第九党支部”的支部" in capsys.readouterr().err


def test_users_needs_no_branch(db_arg, two_branches, capsys):
    assert main([*db_arg, "users"]) == 0
    assert "尚未启用用户账户" in capsys.readouterr().out


# ---- branch list / add / rename --------------------------------------------------------------------
def test_a_committee_adds_branches_and_works_in_the_one_it_names(db, db_arg, capsys):
    """A 党总支 keeps its branches in one file: it adds the students' branch, sees both listed, and a
    command without --branch is then refused until one is named (or one was used last)."""
    assert main([*db_arg, "branch", "add", "护理学生党支部", "--higher", "护理学院党总支"]) == 0
    assert "已新建支部：护理学生党支部" in capsys.readouterr().out
    assert main([*db_arg, "branch", "list"]) == 0
    listed = capsys.readouterr().out.splitlines()
    assert [line.split("\t")[1] for line in listed] == ["测试学院教工第一党支部", "护理学生党支部"]
    assert "护理学院党总支" in listed[1] and "（默认）" not in "".join(listed)

    assert main([*db_arg, "check"]) == 2
    assert "请指定要使用的支部" in capsys.readouterr().err

    assert main([*db_arg, "branch", "rename", "2", "护理学生第一党支部"]) == 0
    assert "已改名为“护理学生第一党支部”" in capsys.readouterr().out
    students = Workspace.open(db, "护理学生第一党支部")
    students.members.create(MemberFields(name="学生丙", join_date=dt.date(2025, 7, 1)))
    students.branch.remember()  # the window's switcher and commands that write with --branch do this
    assert main([*db_arg, "branch", "list"]) == 0
    assert "护理学生第一党支部\t护理学院党总支\t1 名党员  （默认）" in capsys.readouterr().out
    assert main([*db_arg, "check"]) == 0, "the branch last used is the default"
    assert Workspace.open(db).branch_id == students.branch_id
    err = capsys.readouterr().err  # whoever chose last, on any PC: the command says which branch it took
    assert err.startswith("支部：护理学生第一党支部（数据库中有 2 个支部，未用 --branch 指定")
    assert main([*db_arg, "--branch", "护理学生第一党支部", "check"]) == 0
    assert capsys.readouterr().err == "", "a named branch needs no word"


def test_branch_names_are_unique_and_not_numbers(db_arg, capsys):
    assert main([*db_arg, "branch", "add", "测试学院教工第一党支部"]) == 2
    assert "已有名为“测试学院教工第一党支部”的支部" in capsys.readouterr().err
    assert main([*db_arg, "branch", "add", "2"]) == 2
    assert "不能全是数字" in capsys.readouterr().err
    assert main([*db_arg, "branch", "rename", "第九党支部", "新名"]) == 2
    assert "没有名为“第九党支部”的支部" in capsys.readouterr().err


def test_the_administrator_grants_a_role_on_one_branch(db, db_arg, tmp_path, monkeypatch, capsys):
    from argon2 import PasswordHasher

    from branchdesk.domain.auth import Role
    from branchdesk.services.auth import AuthService

    fast = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    auth = AuthService(Workspace.open(db), hasher=fast)
    auth.create_first_admin("zongzhi", "", "Zongzhi-2026", "Zongzhi-2026")
    auth.add_account("xuesheng", "", Role.VIEWER, "Xuesheng-2026", "Xuesheng-2026")
    db.sign_out()
    assert main([*db_arg, "branch", "add", "学生第一党支部"]) == 0
    pw = tmp_path / "pw.txt"
    pw.write_text("Zongzhi-2026", encoding="utf-8")
    monkeypatch.setenv("BRANCHDESK_USER", "zongzhi")
    monkeypatch.setenv("BRANCHDESK_PASSWORD_FILE", str(pw))
    capsys.readouterr()
    assert (
        main([*db_arg, "--branch", "学生第一党支部", "users", "grant", "xuesheng", "--role", "管理员"]) == 0
    )
    assert "账户 xuesheng 在“学生第一党支部”的角色：管理员" in capsys.readouterr().out
    account = AuthService(Workspace(db), hasher=fast).account("xuesheng")
    assert (account.role, account.branch_roles) == (Role.VIEWER, ((2, Role.ADMIN),))


def test_a_member_moves_between_branches_and_the_letter_prints(db, ws, db_arg, tmp_path, capsys):
    teacher = ws.members.create(MemberFields(name="李老师", join_date=dt.date(2015, 7, 1)))
    assert main([*db_arg, "branch", "add", "学生第一党支部"]) == 0
    args = [*db_arg, "--branch", "测试学院教工第一党支部", "transfer"]
    assert main([*args, "move", "李老师", "--to", "学生第一党支部", "--date", "2026-09-01"]) == 0
    assert "已将 李老师 从“测试学院教工第一党支部”转到“学生第一党支部”" in capsys.readouterr().out
    assert Workspace.open(db, "学生第一党支部").members.get(teacher.id).name == "李老师"
    assert main([*args, "list", "--year", "2026"]) == 0
    listed = capsys.readouterr().out
    assert "李老师\t本单位支部间转接" in listed and "2026年共 1 人次" in listed
    out = tmp_path / "介绍信.pdf"
    transfer_id = int(listed.split("\t")[0])
    assert main([*args, "letter", str(transfer_id), "-o", str(out)]) == 0
    assert out.exists() and "已生成组织关系介绍信" in capsys.readouterr().out
    assert main([*args, "move", "王某", "--to", "学生第一党支部"]) == 2
    assert "没有“王某”" in capsys.readouterr().err


def test_check_all_lists_every_branch_without_naming_one(db_arg, two_branches, capsys):
    import json

    assert main([*db_arg, "check", "--all", "--as-of", "2026-11-20"]) == 0
    out = capsys.readouterr().out
    assert out.index("【测试学院教工第一党支部】") < out.index("【学生第一党支部】")
    assert out.rstrip().splitlines()[-1].startswith("全部 2 个支部：")
    assert main([*db_arg, "check", "--all", "--json", "--as-of", "2026-11-20"]) == 0
    payload = json.loads(capsys.readouterr().out)
    assert [b["branch"] for b in payload["branches"]] == ["测试学院教工第一党支部", "学生第一党支部"]
    assert payload["branches"][1]["members"] == 1


def test_another_branchs_ids_are_not_found_on_the_command_line(db, ws, db_arg, tmp_path, capsys):
    """Ids typed for the wrong --branch: a Chinese 找不到 and exit code 2, not a traceback or the other
    branch's letter or document."""
    from dataclasses import replace

    from branchdesk.domain.development import Person
    from branchdesk.services.meetings import MeetingType
    from tests.unit.dev_builders import admitted

    teacher = ws.members.create(MemberFields(name="赵老师", join_date=dt.date(2012, 7, 1)))
    letter = ws.transfers.transfer_out(
        teacher.id, dt.date(2026, 9, 1), "某市卫健委机关党委", "测组转〔2026〕12号"
    )
    dossier = ws.development.save(replace(admitted(dt.date(2026, 8, 1)), id=None, person=Person("孙同学")))
    meeting = ws.meetings.plan(MeetingType.GENERAL, dt.date(2026, 9, 1)).id
    assert main([*db_arg, "branch", "add", "学生第一党支部"]) == 0
    capsys.readouterr()
    out = tmp_path / "out"
    out.mkdir()
    other = [*db_arg, "--branch", "学生第一党支部"]
    for args, what in (
        (["transfer", "letter", str(letter.id), "-o", str(out / "信.pdf")], "组织关系转接记录"),
        (["transfer", "letter", "999", "-o", str(out / "信.pdf")], "组织关系转接记录"),
        (["docs", "applicant_talk", "--person", str(dossier), "-o", str(out / "谈话.docx")], "发展党员档案"),
        (["docs", "meeting_notice", "--meeting", str(meeting), "-o", str(out / "通知.docx")], "会议记录"),
    ):
        assert main([*other, *args]) == 2, args
        err = capsys.readouterr().err
        assert err.startswith("错误：") and what in err and "Traceback" not in err, err
    assert not list(out.iterdir()), "nothing of 甲's was written for 乙"
    assert main([*db_arg, "--branch", "测试学院教工第一党支部", "transfer", "letter", str(letter.id), "-o",
                 str(out / "信.pdf")]) == 0  # fmt: skip
