"""Command line over the services. Never imports PySide6 unless it opens the window."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

from branchdesk import APP_TITLE, __version__


class CliError(Exception):
    """An error worth one clear line on stderr and a non-zero exit."""

    def __init__(self, message: str, code: int = 2):
        super().__init__(message)
        self.code = code


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="branchdesk",
        description=f"{APP_TITLE}：党员档案、发展党员、会议记录、台账打印。不带子命令时打开程序窗口。",
    )
    parser.add_argument("--version", action="version", version=f"branchdesk {__version__}")
    parser.add_argument(
        "--db",
        metavar="URL_OR_PATH",
        help="数据库文件路径或 SQLAlchemy 地址（也可用环境变量 BRANCHDESK_DB；默认在用户数据目录）",
    )
    parser.add_argument("--smoke", action="store_true", help=argparse.SUPPRESS)  # frozen-app self test
    sub = parser.add_subparsers(dest="command", metavar="子命令")

    demo = sub.add_parser("demo", help="生成演示数据（虚构的支部、党小组、党员）")
    demo.add_argument("--members", type=int, default=60, help="党员人数（默认 60）")
    demo.add_argument("--seed", type=int, default=1, help="随机种子，相同种子生成相同数据")

    imp = sub.add_parser("import", help="从 Excel 导入")
    imp_sub = imp.add_subparsers(dest="what", metavar="内容", required=True)
    imp_members = imp_sub.add_parser("members", help="导入党员花名册（.xlsx）")
    imp_members.add_argument("file", type=Path)
    imp_members.add_argument("--dry-run", action="store_true", help="只检查，不写入数据库")
    imp_members.add_argument("--skip-invalid", action="store_true", help="跳过有错误的行，导入其余各行")
    imp_dev = imp_sub.add_parser("development", help="导入发展党员工作台账（.xlsx）；按身份证号更新已有档案")
    imp_dev.add_argument("file", type=Path)
    imp_dev.add_argument("--dry-run", action="store_true", help="只检查，不写入数据库")

    tpl = sub.add_parser("template", help="生成导入模板")
    tpl.add_argument(
        "what", choices=["members", "development"], help="members：党员花名册；development：发展党员工作台账"
    )
    tpl.add_argument("-o", "--output", type=Path, required=True)

    exp = sub.add_parser("export", help="导出台账")
    exp.add_argument(
        "what",
        choices=["roster", "development", "meetings"],
        help="roster：党员花名册；development：发展党员工作台账；meetings：会议记录台账",
    )
    exp.add_argument("--year", type=int, help="年度（meetings；默认今年）")
    exp.add_argument("--format", choices=["xlsx"], default="xlsx")
    exp.add_argument("-o", "--output", type=Path, required=True)

    chk = sub.add_parser(
        "check", help="按发展党员工作规则和会议制度检查发展党员档案与会议记录；有严重问题时退出码为 1"
    )
    chk.add_argument("--json", action="store_true", help="以 JSON 输出检查结果")
    chk.add_argument("--as-of", type=_as_of, metavar="日期", help="检查日期（默认今天），如 2026-11-23")

    _add_backup_parsers(sub)
    users = sub.add_parser("users", help="列出用户账户；--reset-admin 用恢复码重设管理员密码")
    users.add_argument("--reset-admin", metavar="用户名", help="用恢复码重设这个管理员的密码（会提示输入）")
    return parser


def _as_of(text: str):
    from branchdesk.domain.dates import parse_date_loose

    try:
        return parse_date_loose(text, allow_year_month=False)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _open(args):
    from branchdesk.config import resolve_location
    from branchdesk.db.migrate import DatabaseRefusedError, open_database

    location = resolve_location(args.db)
    try:
        db, result = open_database(location)
    except DatabaseRefusedError as exc:
        raise CliError(str(exc)) from exc
    except Exception as exc:
        from sqlalchemy.exc import DatabaseError

        if not isinstance(exc, DatabaseError):
            raise
        where = location.sqlite_path or location.url
        raise CliError(f"无法打开数据库 {where}：它不是数据库文件或已损坏（{exc.orig}）") from exc
    if result.backup:
        print(
            f"数据库已升级（{result.before} → {result.after}），升级前的备份：{result.backup}",
            file=sys.stderr,
        )
    return location, db


def cmd_demo(args) -> int:
    from branchdesk.services.demo import generate

    _, db = _open(args)
    summary = generate(db, members=args.members, seed=args.seed)
    print(summary.describe())
    return 0


def cmd_import(args) -> int:
    if args.what == "development":
        return cmd_import_development(args)
    from branchdesk.services.imports import apply_roster, read_roster

    if not args.file.exists():
        raise CliError(f"文件不存在：{args.file}")
    plan = read_roster(args.file)
    for error in plan.errors:
        print(error, file=sys.stderr)  # "第 N 行，列名：原因" (a whole-file problem: the reason alone)
    print(plan.describe())
    if plan.errors and not args.skip_invalid:
        print(f"有 {plan.error_row_count} 行存在错误，未导入任何数据（改正后重试，或使用 --skip-invalid 只导入正确的行）。",
              file=sys.stderr)  # fmt: skip
        return 1
    if args.dry_run:
        print("试运行：未写入数据库。")
        return 0
    _, db = _open(args)
    result = apply_roster(db, plan, skip_invalid=args.skip_invalid)
    print(result.describe())
    return 0


def cmd_import_development(args) -> int:
    from dataclasses import replace

    from branchdesk.services.dev_import import read_development

    if not args.file.exists():
        raise CliError(f"文件不存在：{args.file}")
    found = read_development(args.file)
    for issue in found.issues:
        print(issue, file=sys.stderr)  # "第 N 行，列名：原因"
    print(found.describe())
    if found.issues:
        print(f"有 {found.issue_row_count} 行存在错误，未导入任何数据（改正后重试）。", file=sys.stderr)
        return 1
    if args.dry_run:
        print("试运行：未写入数据库。")
        return 0
    from branchdesk.services.development import DevelopmentService, keep_unrecorded

    _, db = _open(args)
    service = DevelopmentService(db)
    dossiers = []
    updated = 0
    for d in found.dossiers:
        existing = service.find_by_id_number(d.person.id_number) if d.person.id_number else None
        if existing is None:
            dossiers.append(d)
        else:  # re-import: never erase what the ledger has no column for
            updated += 1
            dossiers.append(keep_unrecorded(service.get(existing), replace(d, id=existing)))
    service.save_many(dossiers, operation=f"导入发展党员工作台账：{args.file.name}")
    print(
        f"已导入 {len(dossiers)} 人：新建 {len(dossiers) - updated} 份发展党员档案，按身份证号更新 {updated} 份。"
    )
    return 0


def cmd_check(args) -> int:
    import json

    from branchdesk.domain.dates import format_date
    from branchdesk.services.development import DevelopmentService

    _, db = _open(args)
    service = DevelopmentService(db)
    as_of = args.as_of or dt.date.today()
    dossiers = service.all()
    from branchdesk.domain.rules import audit_many
    from branchdesk.services.bulk import collector_paused

    with collector_paused():
        findings = audit_many(dossiers, service.rule_context(as_of))
    from branchdesk.services.meetings import MeetingService

    meeting_service = MeetingService(db)
    meeting_findings = meeting_service.check(as_of)
    meeting_count = len(meeting_service.list())
    blocking = sum(f.blocking for f in findings) + sum(f.blocking for f in meeting_findings)
    total = len(findings) + len(meeting_findings)
    if args.json:
        payload = {
            "as_of": as_of.isoformat(),
            "dossiers": len(dossiers),
            "meetings": meeting_count,
            "blocking": blocking,
            "warnings": total - blocking,
            "findings": [f.to_dict() for f in findings],
            "meeting_findings": [f.to_dict() for f in meeting_findings],
        }
        json.dump(payload, sys.stdout, ensure_ascii=False, indent=1)
        sys.stdout.write("\n")
    else:
        lines = []
        for f in findings:
            dates = f.dates_zh()
            lines.append(
                f"[{f.severity.label}] {f.person}  {f.code}  {f.step.title}：{f.message_zh}"
                + (f"（{dates}）" if dates else "")
            )
        for f in meeting_findings:
            lines.append(f"[{f.severity.label}] {f.person}  {f.code}  {f.message_zh}")
        if lines:
            sys.stdout.write("\n".join(lines) + "\n")
        summary = f"检查日期 {format_date(as_of)}：共检查 {len(dossiers)} 份发展党员档案、{meeting_count} 份会议记录，"
        if total:
            summary += f"发现 {total} 个问题（严重 {blocking} 个，提醒 {total - blocking} 个）。"
        else:
            summary += "未发现问题。"
        print(summary)
    return 1 if blocking else 0


def cmd_template(args) -> int:
    if args.what == "development":
        from branchdesk.services.dev_import import write_development_template

        write_development_template(args.output)
        print(f"已生成导入模板：{args.output}")
        return 0
    from branchdesk.services.imports import write_template

    write_template(args.output)
    print(f"已生成导入模板：{args.output}")
    return 0


def cmd_export(args) -> int:
    from branchdesk.reports.xlsx import write_xlsx

    _, db = _open(args)
    if args.what == "meetings":
        from branchdesk.services.meetings import meetings_ledger

        year = args.year or dt.date.today().year
        ledger = meetings_ledger(db, year)
        write_xlsx([ledger], args.output)
        print(f"已导出 {ledger.title}（{len(ledger.rows)} 次会议）：{args.output}")
        return 0
    if args.what == "development":
        from branchdesk.reports.development import development_ledger
        from branchdesk.services.branch import BranchService
        from branchdesk.services.development import DevelopmentService

        far = dt.date.max
        dossiers = sorted(DevelopmentService(db).all(), key=lambda d: (d.application_date or far, d.id))
        ledger = development_ledger(dossiers, BranchService(db).profile().name)
    else:
        from branchdesk.reports.roster import roster_ledger

        ledger = roster_ledger(db)
    write_xlsx([ledger], args.output)
    print(f"已导出 {ledger.title}（{len(ledger.rows)} 人）：{args.output}")
    return 0


# ---- accounts ------------------------------------------------------------------------------------
def cmd_users(args) -> int:
    """The accounts (the command line itself runs as the OS user, without a login: see README)."""
    from branchdesk.services.auth import AuthService

    _, db = _open(args)
    auth = AuthService(db)
    if args.reset_admin:
        return _reset_admin(auth, args.reset_admin)
    if not auth.has_accounts():
        print("尚未启用用户账户：打开程序窗口时会提示创建管理员账户。")
        return 0
    now = auth.clock()
    for a in auth.accounts():
        print(
            f"{a.username}\t{a.display_name}\t{a.role.label}\t{a.state(now)}\t最近登录：{a.last_login_text}"
        )
    return 0


def _reset_admin(auth, username: str) -> int:
    from getpass import getpass

    code = input("恢复码：")
    new = getpass("新密码：")
    again = getpass("再输一次新密码：")
    fresh = auth.reset_with_recovery_code(username, code, new, again)
    print(f"管理员 {username} 的密码已重新设置。旧恢复码已作废，新的恢复码（只显示这一次，请抄下保管）：")
    print(fresh)
    return 0


# ---- backup and restore ------------------------------------------------------------------------
def _add_backup_parsers(sub) -> None:
    bak = sub.add_parser("backup", help="把数据库备份到一个文件；--list 列出已有备份")
    bak.add_argument("-o", "--output", type=Path, help="备份文件（默认放在数据库旁的 backups 文件夹）")
    bak.add_argument("--list", action="store_true", help="列出已有的备份（自动备份、手动备份、恢复前备份）")
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
    output = args.output or location.backup_dir() / timestamped_name("手动备份")
    try:
        path = backup_sqlite(location.sqlite_path, output)
    except BackupError as exc:
        raise CliError(str(exc)) from exc
    print(f"已备份到：{path}")
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
    try:
        pre = restore_backup(location, args.file)
    except BackupError as exc:
        raise CliError(f"{exc}（数据库没有改动）") from exc
    print("已恢复数据库。" + (f"恢复前的数据库已另存为：{pre}" if pre else ""))
    return 0


COMMANDS = {
    "demo": cmd_demo,
    "import": cmd_import,
    "template": cmd_template,
    "export": cmd_export,
    "backup": cmd_backup,
    "restore": cmd_restore,
    "check": cmd_check,
    "users": cmd_users,
}


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        from branchdesk.ui.app import run

        return run(db=args.db, smoke=args.smoke)
    try:
        return COMMANDS[args.command](args)
    except CliError as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return exc.code
    except Exception as exc:  # a clear line instead of a traceback for expected failures
        from branchdesk.domain.members import ValidationError
        from branchdesk.services.branch import NoBranchError

        if isinstance(exc, ValidationError | NoBranchError | OSError):
            print(f"错误：{exc}", file=sys.stderr)
            return 2
        raise
