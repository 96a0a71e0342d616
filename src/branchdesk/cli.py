"""Command line over the services. Never imports PySide6 unless it opens the window."""

from __future__ import annotations

import argparse
import datetime as dt
import re
import sys
from pathlib import Path

from branchdesk import APP_TITLE, __version__

ROLE_NAMES = ("管理员", "组织员", "委员", "查阅", "admin", "organiser", "committee", "viewer", "无")  # --role


class CliError(Exception):
    """An error worth one clear line on stderr and a non-zero exit."""

    def __init__(self, message: str, code: int = 2):
        super().__init__(message)
        self.code = code


_FORCE_HELP = "输出文件已存在时覆盖它（默认不覆盖，以免误删文件）"


def _output(args, path: Path, *, replaces_database: bool = False) -> Path:
    """The file a command is about to write, refused if it is the database (or its side files), another
    database, or an existing file without --force (services.output_guard)."""
    from branchdesk.config import resolve_location
    from branchdesk.services.output_guard import OutputRefused, check_output

    try:
        db_path = resolve_location(args.db).sqlite_path
    except Exception:  # an unusable --db is reported when it is opened
        db_path = None
    try:
        return check_output(
            path, db_path=db_path, force=getattr(args, "force", False), replaces_database=replaces_database
        )
    except OutputRefused as exc:
        raise CliError(str(exc)) from exc


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="branchdesk",
        description=f"{APP_TITLE}：党员档案、发展党员、会议记录、台账打印。不带子命令时打开程序窗口。",
    )
    parser.add_argument(
        "--version", action="version", version=f"branchdesk {__version__}", help="显示版本号并退出"
    )
    parser.add_argument(
        "--db",
        metavar="URL_OR_PATH",
        help="数据库文件路径或 SQLAlchemy 地址（也可用环境变量 BRANCHDESK_DB；默认在用户数据目录）",
    )
    parser.add_argument(
        "--branch",
        metavar="名称或编号",
        help="要使用的支部（数据库中有多个支部时必须指定；只有一个支部时可省略）",
    )
    parser.add_argument("--smoke", action="store_true", help=argparse.SUPPRESS)  # frozen-app self test
    sub = parser.add_subparsers(dest="command", metavar="子命令")

    demo = sub.add_parser("demo", help="生成演示数据（虚构的支部、党小组、党员）")
    demo.add_argument("--members", type=int, default=60, help="党员人数（默认 60）")
    demo.add_argument("--seed", type=int, default=1, help="随机种子，相同种子生成相同数据")
    demo.add_argument("--branches", type=int, default=1, metavar="N",
                      help="支部数（默认 1；2 至 4：一个学院党委的几个支部，每个支部 --members 名党员）")  # fmt: skip

    imp = sub.add_parser("import", help="从 Excel 导入")
    imp_sub = imp.add_subparsers(dest="what", metavar="内容", required=True)
    imp_members = imp_sub.add_parser("members", help="导入党员花名册（.xlsx）")
    imp_members.add_argument("file", type=Path)
    imp_members.add_argument("--dry-run", action="store_true", help="只检查，不写入数据库")
    imp_members.add_argument("--skip-invalid", action="store_true", help="跳过有错误的行，导入其余各行")
    imp_dev = imp_sub.add_parser("development", help="导入发展党员工作台账（.xlsx）；按身份证号更新已有档案")
    imp_dev.add_argument("file", type=Path)
    imp_dev.add_argument("--dry-run", action="store_true", help="只检查，不写入数据库")
    imp_dues = imp_sub.add_parser(
        "dues", help="导入党费缴纳记录（.xlsx）：逐月台账（每人一行、每月一列）或缴纳记录（每笔一行）"
    )
    imp_dues.add_argument("file", type=Path)
    imp_dues.add_argument("--year", type=int, help="逐月台账的年度（表头或标题中没有年份时）")
    imp_dues.add_argument("--dry-run", action="store_true", help="只检查，不写入数据库")
    imp_act = imp_sub.add_parser(
        "activities", help="导入活动记录及参加人员（.xlsx；每行一人，或“参加人员”列）"
    )
    imp_act.add_argument("file", type=Path)
    imp_act.add_argument("--dry-run", action="store_true", help="只检查，不写入数据库")
    imp_study = imp_sub.add_parser("study", help="导入学习培训学时（.xlsx：姓名、日期、学时、类别、内容）")
    imp_study.add_argument("file", type=Path)
    imp_study.add_argument("--dry-run", action="store_true", help="只检查，不写入数据库")

    tpl = sub.add_parser("template", help="生成导入模板")
    tpl.add_argument(
        "what", choices=["members", "development"], help="members：党员花名册；development：发展党员工作台账"
    )
    tpl.add_argument("-o", "--output", type=Path, required=True)
    tpl.add_argument("--force", action="store_true", help=_FORCE_HELP)

    _add_export_parser(sub)

    chk = sub.add_parser(
        "check", help="按发展党员工作规则和会议制度检查发展党员档案与会议记录；有严重问题时退出码为 1"
    )
    chk.add_argument("--json", action="store_true", help="以 JSON 输出检查结果")
    chk.add_argument("--as-of", type=_as_of, metavar="日期", help="检查日期（默认今天），如 2026-11-23")
    chk.add_argument("--all", action="store_true", help="检查数据库中的全部支部（逐个支部列出结果）")
    chk.add_argument("--jobs", "-j", type=int, default=None, metavar="N",
                     help="与 --all 同用：同时检查的进程数（默认按空闲的处理器核数，最多 4 个；8 个支部以下只用 1 个）")  # fmt: skip

    _add_backup_parsers(sub)
    ver = sub.add_parser(
        "verify", help="校验数据库的完整性和审计日志的校验链；发现问题时退出码为 1，无法校验时为 2"
    )
    ver.add_argument("--json", action="store_true", help="以 JSON 输出校验结果")
    _add_pack_parser(sub)
    _add_docs_parser(sub)
    users = sub.add_parser(
        "users",
        help="列出用户账户；users add 用户名 --role 角色 添加账户；--reset-admin 用恢复码重设管理员密码",
    )
    users.add_argument(
        "action", nargs="?", choices=["add", "grant"], metavar="add|grant",
        help="add：添加一个账户；grant：设置账户在 --branch 所指支部的角色（高于账户本身的角色）",
    )  # fmt: skip
    users.add_argument("username", nargs="?", metavar="用户名", help="要添加的账户的用户名")
    users.add_argument(
        "--role",
        choices=ROLE_NAMES,
        help="角色：管理员、组织员、委员或查阅（数据库的第一个账户须是管理员；grant 可用“无”取消支部角色）",
    )
    users.add_argument("--display-name", metavar="姓名", default="", help="姓名（默认同用户名）")
    users.add_argument("--reset-admin", metavar="用户名", help="用恢复码重设这个管理员的密码（会提示输入）")
    _add_branch_parser(sub)
    _add_transfer_parser(sub)
    sub.add_parser(
        "encrypt",
        help="加密数据库文件（先做校验过的备份；需要管理员的用户名和密码；会生成新的恢复码）",
    )
    sub.add_parser("decrypt", help="解除数据库文件的加密（先做校验过的备份；需要管理员的用户名和密码）")
    from branchdesk.cli_readiness import add_parsers as _add_readiness_parsers

    _add_readiness_parsers(sub)
    return parser


class _HelpFormatter(argparse.HelpFormatter):
    """argparse's help in Chinese: "用法：" instead of "usage: "."""

    def _format_usage(self, usage, actions, groups, prefix):
        return super()._format_usage(usage, actions, groups, "用法：" if prefix is None else prefix)


class _Parser(argparse.ArgumentParser):
    """argparse in Chinese: its help headings ("位置参数", "选项", "显示帮助信息并退出") and its
    complaints in one Chinese line (argparse's own texts are English)."""

    def __init__(self, *args, add_help: bool = True, **kwargs):
        kwargs.setdefault("formatter_class", _HelpFormatter)
        super().__init__(*args, add_help=False, **kwargs)
        self._positionals.title = "位置参数"
        self._optionals.title = "选项"
        if add_help:
            self.add_argument(
                "-h", "--help", action="help", default=argparse.SUPPRESS, help="显示帮助信息并退出"
            )

    _PATTERNS = (
        (re.compile(r"the following arguments are required: (.*)"), "缺少参数：{0}"),
        (re.compile(r"unrecognized arguments: (.*)"), "无法识别的参数：{0}"),
        (
            re.compile(r"argument (\S+): invalid choice: '(.*)' \(choose from (.*)\)"),
            "参数 {0} 不能是“{1}”，可选：{2}",
        ),
        (re.compile(r"argument (\S+): invalid \w+ value: '(.*)'"), "参数 {0} 的值“{1}”无效"),
        (re.compile(r"argument (\S+): expected one argument"), "参数 {0} 后面缺少值"),
        (re.compile(r"argument (\S+): (.*)"), "参数 {0}：{1}"),
    )

    def error(self, message: str):
        for pattern, text in self._PATTERNS:
            if m := pattern.fullmatch(message):
                message = text.format(*m.groups())
                break
        self.exit(2, f"错误：{message}（用 {self.prog} -h 查看用法）\n")


def _year(text: str) -> int:
    try:
        year = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"年度“{text}”不是数字") from None
    if not 1900 <= year <= 2100:
        raise argparse.ArgumentTypeError(f"年度应在 1900 到 2100 之间，不能是 {year}")
    return year


def _as_of(text: str):
    from branchdesk.domain.dates import parse_date_loose

    try:
        return parse_date_loose(text, allow_year_month=False)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


_HELD: list = []  # sidecar locks taken by this command (released when it ends: see main)

_WRITE_REFUSED = (
    "数据库正在程序窗口中打开：{who}。为防止两处同时修改，命令行不能修改它；请先关闭程序窗口再运行此命令"
    "（查看、导出、检查、校验、备份可以照常进行）。"
)


def _lock_for_writing(location):
    """Take the database's sidecar lock for a command that writes: refused at once while a window has
    the file; another command or an upgrade is waited for (db/filelock)."""
    from branchdesk.db.filelock import DatabaseInUse, SidecarLock

    if location.sqlite_path is None:
        return None  # PostgreSQL: the server's locks
    lock = SidecarLock(location.sqlite_path, kind="command")
    try:
        lock.acquire(wait=60, patient_with=("command", "upgrade", "restore"))
    except DatabaseInUse as exc:
        raise CliError(_in_use_text(exc)) from exc
    _HELD.append(lock)
    return lock


def _in_use_text(exc) -> str:
    holder = exc.holder
    if holder is not None and holder.kind == "window":
        return _WRITE_REFUSED.format(who=holder.describe())
    who = holder.describe() if holder is not None else "另一个程序"
    return f"数据库正被使用：{who}，请稍后再试。"


def _open(args, *, write: bool = False):
    """Open the database of --db. `write`: the command changes it, so it holds the sidecar lock."""
    from branchdesk.config import resolve_location
    from branchdesk.db.filelock import DatabaseInUse
    from branchdesk.db.migrate import DatabaseRefusedError, open_database

    location = resolve_location(args.db)
    lock = _lock_for_writing(location) if write else None
    try:
        from branchdesk.db import crypto

        if crypto.needs_unlock(location.sqlite_path):  # encrypted: signs in with the account that unlocks it
            from branchdesk.cli_encryption import open_encrypted

            db, result = open_encrypted(location, args, lock=lock)
        else:
            db, result = open_database(location, lock=lock)
    except DatabaseRefusedError as exc:
        raise CliError(str(exc)) from exc
    except DatabaseInUse as exc:
        raise CliError(_in_use_text(exc)) from exc
    except Exception as exc:
        from sqlalchemy.exc import DatabaseError

        if not isinstance(exc, DatabaseError):
            raise
        from branchdesk.services.failures import database_error_text

        fallback = "它不是数据库文件或已损坏" if location.is_sqlite else "连接数据库服务器时出错"
        raise CliError(f"无法打开数据库 {location.shown}：{database_error_text(exc) or fallback}") from exc
    if result.backup:
        print(
            f"数据库已升级（{result.before} → {result.after}），升级前的备份：{result.backup}",
            file=sys.stderr,
        )
    return location, db


def _workspace(args, *, write: bool = False):
    """The workspace of `--branch` (default: the only branch, or the one last used). `write`: the
    command changes the database, so it holds the sidecar lock (see `_open`), and a branch named with
    `--branch` becomes the one last used."""
    from branchdesk.workspace import Workspace

    _, db = _open(args, write=write)
    named = getattr(args, "branch", None)
    ws = Workspace.open(db, named)
    if write and named and ws.has_branch:
        ws.branch.remember()
    if not named and ws.has_branch:  # several branches: say which one, since it is whoever chose last
        branches = Workspace.branches(db)
        if len(branches) > 1:
            name = dict(branches)[ws.branch_id]
            print(f"支部：{name}（数据库中有 {len(branches)} 个支部，未用 --branch 指定，使用最近选用的支部）",
                  file=sys.stderr)  # fmt: skip
    return ws


# ---- branches -----------------------------------------------------------------------------------
def _add_branch_parser(sub) -> None:
    br = sub.add_parser(
        "branch",
        help="支部：branch list 列出数据库中的支部；branch add 名称 新建支部；branch rename 名称或编号 新名称",
    )
    br_sub = br.add_subparsers(dest="action", metavar="操作", required=True)
    br_sub.add_parser("list", help="列出数据库中的支部（编号、名称、上级党组织、在册党员数）")
    add = br_sub.add_parser("add", help="新建一个支部（一个党委或党总支的数据库可以有多个支部）")
    add.add_argument("name", metavar="名称")
    add.add_argument("--higher", metavar="上级党组织", default="", help="上级党组织，如 护理学院党总支")
    ren = br_sub.add_parser("rename", help="支部改名")
    ren.add_argument("which", metavar="名称或编号")
    ren.add_argument("name", metavar="新名称")


def cmd_branch(args) -> int:
    from branchdesk.workspace import Workspace

    if args.action == "list":
        _, db = _open(args)
        try:
            ws = Workspace(db)
            found = ws.branch.all_branches()
            if not found:
                print("数据库中还没有支部（branchdesk branch add 名称 新建一个）。")
                return 0
            last = _last_used(ws, found)
            for b in found:
                mark = "  （默认）" if b.id == last else ""
                print(f"{b.id}\t{b.name}\t{b.higher_committee or '—'}\t{b.members} 名党员{mark}")
            return 0
        finally:
            db.dispose()
    _, db = _open(args, write=True)
    try:
        ws = Workspace(db)
        if args.action == "add":
            info = ws.branch.add_branch(args.name, args.higher)
            print(f"已新建支部：{info.name}（编号 {info.id}）。用 --branch {info.name} 在这个支部中工作。")
            return 0
        target = Workspace.open(db, args.which)
        old = target.branch.profile().name
        target.branch.rename_branch(target.branch_id, args.name)
        print(f"支部“{old}”已改名为“{args.name.strip()}”。")
        return 0
    finally:
        db.dispose()


def _add_transfer_parser(sub) -> None:
    tr = sub.add_parser(
        "transfer",
        help="组织关系转接：transfer list 列出本年转接；transfer move 姓名 --to 支部 支部间转接；"
        "transfer letter 编号 -o 介绍信.pdf 打印介绍信（含存根和回执）",
    )
    tr_sub = tr.add_subparsers(dest="action", metavar="操作", required=True)
    ls = tr_sub.add_parser(
        "list", help="列出本支部的组织关系转接（编号、日期、姓名、类别、转出和转入单位、介绍信编号）"
    )
    ls.add_argument("--year", type=_year, help="年度（默认今年）")
    mv = tr_sub.add_parser(
        "move", help="把本支部的一名党员转到本数据库的另一个支部（档案、党籍变动和发展档案随转）"
    )
    mv.add_argument("member", metavar="姓名或档案编号")
    mv.add_argument("--to", required=True, metavar="支部名称或编号")
    mv.add_argument("--date", type=_as_of, metavar="日期", help="转接日期（默认今天）")
    mv.add_argument("--reason", default="", metavar="原因")
    lt = tr_sub.add_parser("letter", help="打印一次转接的组织关系介绍信（PDF：存根、介绍信、回执）")
    lt.add_argument("transfer_id", type=int, metavar="转接编号")
    lt.add_argument("-o", "--output", type=Path, required=True)
    lt.add_argument("--force", action="store_true", help=_FORCE_HELP)


def cmd_transfer(args) -> int:
    from branchdesk.reports.transfers import SHORT_KIND

    if args.action == "letter":
        _output(args, args.output)
        ws = _workspace(args)
        from branchdesk.reports.pdf import write_pdf
        from branchdesk.reports.transfers import transfer_letter

        result = write_pdf([transfer_letter(ws, args.transfer_id)], args.output)
        print(f"已生成组织关系介绍信（共 {result.pages} 页）：{args.output}")
        return 0
    if args.action == "list":
        ws = _workspace(args)
        year = args.year or dt.date.today().year
        found = ws.transfers.between(dt.date(year, 1, 1), dt.date(year, 12, 31))
        for t in found:
            print(
                f"{t.id}\t{t.date}\t{t.member_name}\t{SHORT_KIND[t.kind]}\t{t.source} → {t.target}\t{t.letter_no}"
            )
        print(f"{year}年共 {len(found)} 人次。")
        return 0
    ws = _workspace(args, write=True)
    from branchdesk.services.members import MemberQuery
    from branchdesk.workspace import Workspace

    wanted = args.member.strip()
    matches = [m for m in ws.members.records(MemberQuery()) if wanted in (m.name, str(m.id))]
    if len(matches) != 1:
        raise CliError(f"本支部在册党员中{'没有' if not matches else '有多名'}“{wanted}”" +
                       ("，请用档案编号指定" if matches else ""))  # fmt: skip
    target = Workspace.open(ws.db, args.to)
    moved = ws.transfers.move(matches[0].id, target.branch_id, args.date or dt.date.today(), args.reason)
    print(f"已将 {moved.member_name} 从“{moved.from_branch}”转到“{moved.to_branch}”（转接编号 {moved.id}）。")
    return 0


def _last_used(ws, found) -> int | None:
    """The branch a command without --branch works on (None: it must be named)."""
    if len(found) == 1:
        return found[0].id
    from branchdesk.workspace import CURRENT_BRANCH_KEY

    value = ws.settings.get(CURRENT_BRANCH_KEY)
    return int(value) if value is not None and str(value).isdigit() else None


def cmd_demo(args) -> int:
    from branchdesk.services.demo import generate

    _, db = _open(args, write=True)
    summary = generate(db, members=args.members, seed=args.seed, branches=args.branches)
    print(summary.describe())
    return 0


def cmd_import(args) -> int:
    if args.what == "development":
        return cmd_import_development(args)
    if args.what == "dues":
        return cmd_import_dues(args)
    if args.what in ("activities", "study"):
        return cmd_import_activities(args)
    from branchdesk.services.imports import ImportRefused, apply_roster, read_roster

    if not args.file.exists():
        raise CliError(f"文件不存在：{args.file}")
    plan = read_roster(args.file)
    if plan.file_errors:  # the file as a whole: one line
        raise CliError("；".join(e.message for e in plan.file_errors))
    for error in plan.errors:
        print(error, file=sys.stderr)  # "第 N 行，列名：原因"
    print(plan.describe())
    if plan.errors and not args.skip_invalid:
        print(f"有 {plan.error_row_count} 行存在错误，未导入任何数据（改正后重试，或使用 --skip-invalid 只导入正确的行）。",
              file=sys.stderr)  # fmt: skip
        return 1
    if args.dry_run:
        print("试运行：未写入数据库。")
        return 0
    ws = _workspace(args, write=True)
    try:
        result = apply_roster(ws, plan, skip_invalid=args.skip_invalid)
    except ImportRefused as exc:  # rows that clash with the database
        return _refused(exc)
    print(result.describe())
    return 0


def _refused(exc) -> int:
    """An import refused by the database match: its errors, one a line, and the summary."""
    for error in exc.errors:
        print(error, file=sys.stderr)
    rows = len({e.row for e in exc.errors if e.row > 0})
    print(f"有 {rows} 行与数据库中已有的信息冲突，未导入任何数据（改正后重试）。", file=sys.stderr)
    return 1


def _rows_checked(file_issues, issues, bad_rows: int, summary: str, *, dry_run: bool) -> int | None:
    """What an importer's reading found, told the same way for every kind of file: a problem of the file as
    a whole refuses it in one line; every bad row goes to stderr ("第 N 行，列名：原因") and nothing is
    written (1); a dry run stops here (0); None: go on and write."""
    if file_issues:
        raise CliError("；".join(i.message for i in file_issues))
    for issue in issues:
        print(issue, file=sys.stderr)
    print(summary)
    if issues:
        print(f"有 {bad_rows} 行存在错误，未导入任何数据（改正后重试）。", file=sys.stderr)
        return 1
    if dry_run:
        print("试运行：未写入数据库。")
        return 0
    return None


def cmd_import_development(args) -> int:
    from branchdesk.services.dev_import import apply_development, read_development
    from branchdesk.services.imports import ImportRefused

    if not args.file.exists():
        raise CliError(f"文件不存在：{args.file}")
    found = read_development(args.file)
    file_issues = [i for i in found.issues if i.row <= 0]
    done = _rows_checked(
        file_issues, found.issues, found.issue_row_count, found.describe(), dry_run=args.dry_run
    )
    if done is not None:
        return done
    ws = _workspace(args, write=True)
    try:
        result = apply_development(ws, found)
    except ImportRefused as exc:  # rows that match the same dossier
        return _refused(exc)
    print(result.describe())
    return 0


def cmd_import_dues(args) -> int:
    from branchdesk.services.dues_import import apply_dues, read_dues

    if not args.file.exists():
        raise CliError(f"文件不存在：{args.file}")
    ws = _workspace(args, write=not args.dry_run)
    found = read_dues(ws, args.file, year=args.year)
    done = _rows_checked(
        found.file_issues, found.issues, found.issue_row_count, found.describe(), dry_run=args.dry_run
    )
    if done is not None:
        return done
    written = apply_dues(ws, found)
    print(f"已导入 {len(written)} 笔党费缴纳记录。")
    return 0


def cmd_import_activities(args) -> int:
    """Activities with participants, or study records (issue 15): every row checked first; any error, nothing
    written."""
    from branchdesk.services import activity_import as imports

    if not args.file.exists():
        raise CliError(f"文件不存在：{args.file}")
    ws = _workspace(args, write=not args.dry_run)
    study = args.what == "study"
    found = (imports.read_study if study else imports.read_activities)(ws, args.file)
    file_errors = [e for e in found.errors if e.row <= 0]
    done = _rows_checked(
        file_errors, found.errors, found.error_row_count, found.describe(), dry_run=args.dry_run
    )
    if done is not None:
        return done
    skipped = f"；跳过 {found.skipped} 条已有记录" if found.skipped else ""
    if study:
        print(f"已导入 {imports.apply_study(ws, found)} 条学时记录{skipped}。")
        return 0
    ids = imports.apply_activities(ws, found)
    print(f"已导入 {len(ids)} 次活动，参加党员、积极分子 {found.participations} 人次{skipped}。")
    return 0


def cmd_check(args) -> int:
    import json

    as_of = args.as_of or dt.date.today()
    if args.all:  # every branch, read in one pass (CommitteeService's overview uses the same)
        from branchdesk.workspace import Workspace

        _, db = _open(args)
        names = dict(Workspace.branches(db))
        reports = Workspace(db).compliance.check_all(as_of, jobs=args.jobs)
        if args.json:
            payload = {"as_of": as_of.isoformat(),
                       "branches": [{"branch_id": b, "branch": names[b], **_check_payload(r)} for b, r in reports.items()]}  # fmt: skip
            json.dump(payload, sys.stdout, ensure_ascii=False, indent=1)
            sys.stdout.write("\n")
        else:
            for b, report in reports.items():
                print(f"【{names[b]}】")
                lines = _check_lines(report)
                if lines:
                    sys.stdout.write("\n".join(lines) + "\n")
                print(report.summary_zh())
            blocking = sum(r.blocking for r in reports.values())
            print(f"全部 {len(reports)} 个支部：发现 {sum(r.total for r in reports.values())} 个问题"
                  f"（严重 {blocking} 个），其中 {sum(1 for r in reports.values() if r.blocking)} 个支部有严重问题。")  # fmt: skip
        return 1 if any(r.blocking for r in reports.values()) else 0
    ws = _workspace(args)
    report = ws.compliance.check(as_of)
    if args.json:
        json.dump(_check_payload(report), sys.stdout, ensure_ascii=False, indent=1)
        sys.stdout.write("\n")
    else:
        lines = _check_lines(report)
        if lines:
            sys.stdout.write("\n".join(lines) + "\n")
        print(report.summary_zh())
    return 1 if report.blocking else 0


def _check_payload(report) -> dict:
    return {
        "as_of": report.as_of.isoformat(),
        "dossiers": report.dossiers,
        "meetings": report.meetings,
        "members": report.members,
        "blocking": report.blocking,
        "warnings": report.warnings,
        "notes": list(report.notes),
        # one list: dossiers (DEV-*), meetings (MTG-*), members (MEM-*), consistency (CON-*)
        "findings": [f.to_dict() for f in report.all],
    }


def _check_lines(report) -> list[str]:
    lines = []
    for f in report.all:
        where = f"{f.step.title}：" if f.step is not None else ""
        dates = f.dates_zh() if f.step is not None else ""
        lines.append(
            f"[{f.severity.label}] {f.person}  {f.code}  {where}{f.message_zh}"
            + (f"（{dates}）" if dates else "")
        )
    lines.extend(f"注：{note}" for note in report.notes)
    return lines


def cmd_template(args) -> int:
    _output(args, args.output)
    if args.what == "development":
        from branchdesk.reports.development import write_development_template

        write_development_template(args.output)
        print(f"已生成导入模板：{args.output}")
        return 0
    from branchdesk.services.imports import write_template

    write_template(args.output)
    print(f"已生成导入模板：{args.output}")
    return 0


# ---- export -------------------------------------------------------------------------------------
def _add_export_parser(sub) -> None:
    from branchdesk.reports.registry import ledger_specs

    exp = sub.add_parser(
        "export",
        help="导出台账为 PDF 或 Excel（--list 列出全部台账）",
        description="导出台账。不指定期间时为今年；development 不指定期间时导出全部档案（可重新导入的完整格式）。",
    )
    exp.add_argument(
        "what",
        nargs="?",
        choices=[s.key for s in ledger_specs()],
        metavar="台账",
        help="台账名称：" + "、".join(f"{s.key}（{s.title}）" for s in ledger_specs()),
    )
    exp.add_argument("--list", action="store_true", help="列出可导出的台账（名称、标题、分组）")
    exp.add_argument(
        "--format", choices=["pdf", "xlsx"], help="pdf 或 xlsx（默认按输出文件的扩展名，否则 xlsx）"
    )
    exp.add_argument("--year", type=_year, help="年度，如 2026")
    exp.add_argument("--from", dest="start", type=_as_of, metavar="日期", help="期间开始日期，如 2026-01-01")
    exp.add_argument("--to", dest="end", type=_as_of, metavar="日期", help="期间结束日期，如 2026-06-30")
    exp.add_argument("--font", choices=["sans", "serif"], default="sans",
                     help="PDF 的字体：sans 黑体（默认），serif 宋体（AR PL UMing，正式文书）")  # fmt: skip
    exp.add_argument("--layout", choices=["a4", "a3"],
                     help="发展党员工作台账的打印格式：a4 紧凑（A4 横向一页宽），a3 完整（A3 横向）")  # fmt: skip
    exp.add_argument("--mask", choices=["full", "public"], default="full",
                     help="full：完整（供上级党组织检查，默认）；public：脱敏版，隐去身份证号、电话、住址和备注，出生日期只留年份（用于公示或外送）")  # fmt: skip
    exp.add_argument("-o", "--output", type=Path, help="输出文件")
    exp.add_argument("--force", action="store_true", help=_FORCE_HELP)


def _export_period(args):
    from branchdesk.reports.registry import Period

    if args.year is not None and (args.start or args.end):
        raise CliError("--year 与 --from/--to 只能选用一种")
    if args.year is not None:
        if not 1900 <= args.year <= 2100:
            raise CliError(f"年度 {args.year} 不在 1900 到 2100 之间")
        return Period.year(args.year)
    if args.start or args.end:
        end = args.end or dt.date.today()
        start = args.start or dt.date(end.year, 1, 1)
        try:
            return Period(start, end)
        except ValueError as exc:
            raise CliError(str(exc)) from exc
    return None


_EXPORT_UNITS = {"roster": "人", "development": "人", "meetings": "次会议"}


def cmd_export(args) -> int:
    from branchdesk.reports.registry import Period, build, ledger_specs, spec

    if args.list:
        for s in ledger_specs():
            print(f"{s.key}\t{s.title}\t{s.group}")
        return 0
    if not args.what:
        raise CliError("请指定要导出的台账（branchdesk export --list 列出全部台账）")
    if args.output is None:
        raise CliError("请用 -o 指定输出文件")
    fmt = args.format or ("pdf" if args.output.suffix.lower() == ".pdf" else "xlsx")
    period = _export_period(args)
    _output(args, args.output)
    ws = _workspace(args)
    layout_note = ""
    if args.what == "development" and period is None:
        # every dossier: in Excel the full layout that `import development` reads back; in PDF the
        # printed (compact) layout, since the 60 columns of the full one do not fit A4 legibly
        from branchdesk.reports.development import development_ledger, in_ledger_order

        dossiers = in_ledger_order(ws.development.all())
        compact = fmt == "pdf"
        ledger = development_ledger(
            dossiers,
            ws.branch.profile().name,
            compact=compact,
            exclusions=ws.development.all_exclusions(),
            layout=args.layout or "a3",
        )
        reports = [ledger.masked(args.mask)]
        if compact:
            layout_note = "（PDF 为打印格式，列出主要步骤；完整格式请导出 xlsx）"
    else:
        if args.layout and args.what == "development":
            from branchdesk.reports.development import layout_override

            with layout_override(args.layout):
                reports = build(ws, args.what, period or Period.year(dt.date.today().year), mask=args.mask)
        else:
            reports = build(ws, args.what, period or Period.year(dt.date.today().year), mask=args.mask)
    if not reports:
        raise CliError("该期间没有可导出的内容")
    from branchdesk.reports.ledger import Ledger

    title = spec(args.what).title
    if all(isinstance(r, Ledger) for r in reports):
        count = f"{sum(len(r.rows) for r in reports)} {_EXPORT_UNITS.get(args.what, '行')}"
    else:
        count = f"{len(reports)} 份"
    if fmt == "pdf":
        from branchdesk.reports.pdf import write_pdf

        result = write_pdf(reports, args.output, font=args.font)
        for where, chars in result.missing.items():
            print(f"注意：{where} 中有打印字库没有的字（{''.join(sorted(chars))}），PDF 中以 〓 代替，请手工填写。",
                  file=sys.stderr)  # fmt: skip
        print(f"已导出 {title}（{count}，共 {result.pages} 页）：{args.output}{layout_note}")
    else:
        from branchdesk.reports.xlsx import write_xlsx

        write_xlsx(reports, args.output)
        print(f"已导出 {title}（{count}）：{args.output}")
    return 0


# ---- accounts ------------------------------------------------------------------------------------
def cmd_users(args) -> int:
    """The accounts (the command line itself runs as the OS user, without a login: see README)."""
    from branchdesk import cli_encryption
    from branchdesk.workspace import Workspace

    if args.action == "add":
        return cli_encryption.add_user(args)
    if args.action == "grant":
        return cli_encryption.grant_user(args)
    if args.reset_admin and cli_encryption.needs_unlock(cli_encryption.location_of(args)):
        return cli_encryption.reset_admin_encrypted(args)
    _, db = _open(args, write=bool(args.reset_admin))
    try:
        auth = Workspace(db).auth  # accounts are the whole database's: no branch needed
        if args.reset_admin:
            return _reset_admin(auth, args.reset_admin)
        if not auth.has_accounts():
            print(
                "尚未启用用户账户：打开程序窗口时会提示创建管理员账户（或用 branchdesk users add 用户名 --role 管理员）。"
            )
            return 0
        now = auth.clock()
        for a in auth.accounts():
            print(
                f"{a.username}\t{a.display_name}\t{a.role.label}\t{a.state(now)}\t最近登录：{a.last_login_text}"
            )
        return 0
    finally:
        db.dispose()


def _reset_admin(auth, username: str) -> int:
    from getpass import getpass

    try:
        if sys.stdin is None or sys.stdin.closed:
            raise EOFError
        code = input("恢复码：")
        new = getpass("新密码：")
        again = getpass("再输一次新密码：")
    except (EOFError, KeyboardInterrupt):
        raise CliError(
            "重设管理员密码需要在命令行窗口（终端）中运行，以便输入恢复码和新密码；"
            "现在没有可以输入的终端（输入已关闭或已结束），没有做任何修改。"
        ) from None
    fresh = auth.reset_with_recovery_code(username, code, new, again)
    print(f"管理员 {username} 的密码已重新设置。旧恢复码已作废，新的恢复码（只显示这一次，请抄下保管）：")
    print(fresh)
    return 0


# ---- backup and restore ------------------------------------------------------------------------
def _add_backup_parsers(sub) -> None:
    bak = sub.add_parser("backup", help="把数据库备份到一个文件；--list 列出已有备份")
    bak.add_argument("-o", "--output", type=Path, help="备份文件（默认放在数据库旁的 backups 文件夹）")
    bak.add_argument("--list", action="store_true", help="列出已有的备份（自动备份、手动备份、恢复前备份）")
    bak.add_argument("--force", action="store_true", help=_FORCE_HELP)
    res = sub.add_parser(
        "restore", help="用备份文件恢复数据库（先显示备份内容并确认；当前数据库会先另存一份）"
    )
    res.add_argument("file", type=Path)
    res.add_argument("--yes", action="store_true", help="不再询问，直接恢复")


def cmd_backup(args) -> int:
    from branchdesk.config import resolve_location
    from branchdesk.db.backup import BackupError, backup_sqlite, timestamped_name

    if args.list:
        return _list_backups(resolve_location(args.db))
    location, db = _open(args)
    db.dispose()
    if location.sqlite_path is None:
        raise CliError("PostgreSQL 数据库请由服务器管理员使用 pg_dump 备份。")
    if args.output is not None:
        output = _output(args, args.output, replaces_database=True)
        replace = output.exists()
    else:
        output = location.backup_dir() / timestamped_name("手动备份", location.backup_dir())
        replace = True  # the name reserved just now
    try:
        path = backup_sqlite(location.sqlite_path, output, replace=replace)
    except BaseException as exc:
        if args.output is None:
            output.unlink(missing_ok=True)  # the reserved name, still empty
        if isinstance(exc, BackupError):
            raise CliError(str(exc)) from exc
        raise
    print(f"已备份到：{path}")
    from branchdesk.db import crypto

    if crypto.is_encrypted(path):
        print(
            f"备份已加密；它的密钥文件 {crypto.keyfile_path(path).name} 必须与它放在一起（复制备份时一起复制）。"
        )
    return 0


def _list_backups(location) -> int:
    from branchdesk.services.backups import PG_MESSAGE, list_backups

    if location.sqlite_path is None:
        print(PG_MESSAGE)
        return 0
    found = list_backups(location)
    if not found:
        print(f"还没有备份（备份文件夹：{location.backup_dir()}）。")
        return 0
    for b in found:
        size = f"{b.size / 1024 / 1024:.1f} MB" if b.size >= 1024 * 1024 else f"{max(b.size // 1024, 1)} KB"
        check = "" if b.verified else "  [未通过校验，不能用于恢复]"
        print(f"{b.taken_at:%Y-%m-%d %H:%M:%S}  {b.kind_label}  {size}  {b.path}{check}")
    print(f"共 {len(found)} 个备份（备份文件夹：{location.backup_dir()}）。")
    return 0


def cmd_restore(args) -> int:
    from branchdesk.config import resolve_location
    from branchdesk.db.backup import BackupError
    from branchdesk.services.backups import PG_MESSAGE, check_restorable, preview_backup, restore_backup

    location = resolve_location(args.db)
    if location.sqlite_path is None:
        raise CliError(PG_MESSAGE)
    from branchdesk import cli_encryption

    if cli_encryption.needs_unlock(location):  # encrypted: its copy before the restore needs the key
        _open(args)[1].dispose()
    cli_encryption.unlock_backup(args.file)
    try:
        preview = preview_backup(args.file)
        check_restorable(args.file)
    except BackupError as exc:
        raise CliError(str(exc)) from exc
    print(f"备份文件：{args.file}")
    for line in preview.describe():
        print(f"  {line}")
    print(
        f"将用它替换数据库：{location.sqlite_path}（当前数据库会先另存到 {location.backup_dir() / 'pre-restore'}）"
    )
    if not args.yes:
        try:
            answer = input("确定要恢复吗？输入 y 确认：")
        except EOFError:
            answer = ""
        if answer.strip().lower() not in ("y", "yes", "是"):
            print("已取消，数据库没有改动。")
            return 1
    from branchdesk.db.engine import current_os_user
    from branchdesk.db.filelock import DatabaseInUse, SidecarLock
    from branchdesk.domain.auth import Principal

    lock = SidecarLock(location.sqlite_path, kind="restore")
    try:  # a window must be closed first; a command in progress is waited for (its commit is kept)
        lock.acquire(wait=120, patient_with=("command", "upgrade", "restore"))
    except DatabaseInUse as exc:
        raise CliError(_in_use_text(exc)) from exc
    _HELD.append(lock)
    try:
        pre = restore_backup(location, args.file, by=Principal.os_user(current_os_user()))
    except BackupError as exc:
        raise CliError(f"{exc}（数据库没有改动）") from exc
    print("已恢复数据库。" + (f"恢复前的数据库已另存为：{pre}" if pre else ""))
    return 0


def cmd_verify(args) -> int:
    """Database integrity and the audit chain: 0 clean, 1 something found, 2 could not check."""
    import json

    from sqlalchemy.exc import SQLAlchemyError

    from branchdesk.services.audit import verify

    _, db = _open(args)
    try:
        report = verify(db)
    except SQLAlchemyError as exc:
        raise CliError(f"无法完成校验：{getattr(exc, 'orig', None) or exc}") from exc
    finally:
        db.dispose()
    if args.json:
        json.dump(report.to_dict(), sys.stdout, ensure_ascii=False, indent=1)
        sys.stdout.write("\n")
    else:
        print("\n".join(report.lines()))
    return 0 if report.ok else 1


# ---- inspection pack ---------------------------------------------------------------------------
def _add_pack_parser(sub) -> None:
    pack = sub.add_parser(
        "pack", help="生成迎检资料包：全部台账的 PDF（含目录和书签）、Excel 工作簿、文件清单和校验值"
    )
    pack.add_argument("--year", type=_year, metavar="年份", help="年度（默认今年）")
    pack.add_argument("--from", dest="start", type=_as_of, metavar="日期", help="起始日期，如 2026-01-01")
    pack.add_argument("--to", dest="end", type=_as_of, metavar="日期", help="截止日期，如 2026-06-30")
    pack.add_argument(
        "-o", "--output", type=Path, required=True, metavar="文件夹", help="资料包放在这个文件夹中"
    )
    pack.add_argument("--zip", action="store_true", help="生成一个 zip 压缩文件，而不是文件夹")
    pack.add_argument("--font", choices=["sans", "serif"], default="sans",
                      help="PDF 的字体：sans 黑体（默认），serif 宋体（AR PL UMing）")  # fmt: skip
    pack.add_argument("--with", dest="extra", action="append", default=[], choices=["compliance"],
                      help="另外加入默认不放进资料包的台账，如 compliance（检查情况汇总，支部自查用）")  # fmt: skip
    pack.add_argument(
        "--mask",
        choices=["full", "public"],
        default="full",
        help="public：脱敏版，隐去身份证号、电话、住址和备注，出生日期只留年份（用于外送）",
    )
    pack.add_argument(
        "--rubric",
        metavar="名称",
        help="按评分细则的顺序排列（自评表在前，各评分项目下附佐证台账），如 红旗党支部",
    )


def _period_of(args):
    """The pack's period: a year (default this year) or --from and --to together."""
    from branchdesk.reports.registry import Period

    if bool(args.start) != bool(args.end):
        raise CliError("--from 和 --to 需要同时给出")
    return _export_period(args) or Period.year(dt.date.today().year)


def cmd_pack(args) -> int:
    from branchdesk.reports.pack import build_pack

    period = _period_of(args)
    if args.output.exists() and not args.output.is_dir():
        raise CliError(f"{args.output} 是一个文件，请用 -o 指定一个文件夹")
    from branchdesk.config import resolve_location
    from branchdesk.services.output_guard import OutputRefused, check_folder

    try:
        check_folder(args.output, db_path=resolve_location(args.db).sqlite_path)
    except OutputRefused as exc:
        raise CliError(str(exc)) from exc
    ws = _workspace(args)
    if args.rubric:
        from branchdesk.reports.readiness import build_rubric_pack

        done = build_rubric_pack(ws, period, args.output, rubric=args.rubric, mask=args.mask)
        print(
            f"迎检资料（按“{done.assessment.rubric.name}”评分细则排列，共 {done.pdf.pages} 页）：{done.path}"
        )
        return 0
    result = build_pack(ws, period, args.output, mask=args.mask, as_zip=args.zip, extra=args.extra,
                        font=args.font)  # fmt: skip
    print("\n".join(result.describe()))
    if result.missing:
        print(result.warning(), file=sys.stderr)
    return 0


# ---- Word documents (生成材料) ------------------------------------------------------------------------
def _add_docs_parser(sub) -> None:
    docs = sub.add_parser(
        "docs",
        help="按模板生成 Word 文书（谈话记录、公示、请示、决议、会议通知和记录等）；--list 列出全部文书",
    )
    docs.add_argument("name", nargs="?", metavar="文书", help="文书名称（见 --list）")
    docs.add_argument("--list", action="store_true", help="列出全部文书：名称、标题、需要指定人员还是会议")
    docs.add_argument("--person", metavar="姓名或档案编号", help="人员：发展党员档案的姓名或编号")
    docs.add_argument("--meeting", type=int, metavar="会议编号", help="会议记录的编号")
    docs.add_argument(
        "--template", type=Path, metavar="文件", help="用这个模板（默认：数据文件夹中本支部的模板）"
    )
    docs.add_argument("--reset", action="store_true", help="把数据文件夹中的模板恢复为程序自带的模板")
    docs.add_argument("-o", "--output", type=Path, help="输出的 .docx 文件")
    docs.add_argument("--force", action="store_true", help=_FORCE_HELP)


def cmd_docs(args) -> int:
    from branchdesk.domain.errors import NotFoundError
    from branchdesk.reports.word import TemplateError, reset_templates
    from branchdesk.reports.word_docs import DOCS, doc_spec, make_document

    if args.list:
        for s in DOCS:
            print(f"{s.name}\t{s.title}\t{'person' if s.needs == 'person' else 'meeting'}")
        return 0
    if args.reset:
        names = [doc_spec(args.name).name] if args.name else [s.name for s in DOCS]
        for path in reset_templates(names):
            print(f"已恢复模板：{path}")
        return 0
    if not args.name:
        raise CliError("请指定文书名称（branchdesk docs --list 列出全部文书）")
    try:
        spec = doc_spec(args.name)
    except KeyError as exc:
        raise CliError(exc.args[0]) from exc
    if args.output is None:
        raise CliError("请用 -o 指定输出的 .docx 文件")
    if args.output.suffix.lower() != ".docx":
        raise CliError(f"输出文件须以 .docx 结尾：{args.output}")
    if spec.needs == "person" and not args.person:
        raise CliError(f"“{spec.title}”需要指定人员：--person 姓名或档案编号")
    if spec.needs == "meeting" and args.meeting is None:
        raise CliError(f"“{spec.title}”需要指定会议：--meeting 会议编号")
    _output(args, args.output)
    ws = _workspace(args)
    try:
        path = make_document(ws, spec.name, args.output, person=args.person, meeting=args.meeting,
                             template=args.template)  # fmt: skip
    except (TemplateError, NotFoundError, ValueError) as exc:
        raise CliError(str(exc)) from exc
    print(f"已生成{spec.title}：{path}")
    return 0


COMMANDS = {
    "docs": cmd_docs,
    "demo": cmd_demo,
    "import": cmd_import,
    "template": cmd_template,
    "export": cmd_export,
    "backup": cmd_backup,
    "restore": cmd_restore,
    "check": cmd_check,
    "verify": cmd_verify,
    "pack": cmd_pack,
    "users": cmd_users,
    "branch": cmd_branch,
    "transfer": cmd_transfer,
    "encrypt": lambda args: _encryption("cmd_encrypt", args),
    "decrypt": lambda args: _encryption("cmd_decrypt", args),
    "assess": lambda args: _readiness("cmd_assess", args),
    "todo": lambda args: _readiness("cmd_todo", args),
    "rubric": lambda args: _readiness("cmd_rubric", args),
}


def _readiness(name: str, args) -> int:
    from branchdesk import cli_readiness

    return getattr(cli_readiness, name)(args)


def _encryption(name: str, args) -> int:
    from branchdesk import cli_encryption

    return getattr(cli_encryption, name)(args)


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        from branchdesk.ui.app import run

        return run(db=args.db, smoke=args.smoke, branch=args.branch)
    try:
        return COMMANDS[args.command](args)
    except CliError as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return exc.code
    except Exception as exc:  # a clear line instead of a traceback for expected failures
        from branchdesk.db.crypto import CryptoError
        from branchdesk.domain.auth import PermissionDenied
        from branchdesk.domain.errors import NoBranchError, NotFoundError
        from branchdesk.domain.members import ValidationError
        from branchdesk.services.auth import SignInError
        from branchdesk.services.encryption import EncryptionError

        if isinstance(exc, ValidationError | NoBranchError | SignInError | EncryptionError | CryptoError
                      | PermissionDenied | NotFoundError):  # fmt: skip
            print(f"错误：{exc}", file=sys.stderr)
            return 2
        from branchdesk.services.failures import describe

        text = describe(exc)  # a full disk, a read-only folder, a locked database …: the real cause
        if text is not None:
            print(f"错误：{text}", file=sys.stderr)
            return 2
        raise
    finally:
        while _HELD:
            _HELD.pop().release()


def _os_error(exc: OSError) -> str:
    """A file system error in Chinese, with the file it concerns."""
    from branchdesk.services.failures import os_error_text

    return os_error_text(exc)
