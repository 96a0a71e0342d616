"""Screenshots of every page (and the dialogs issue 18 named) with the demo branch, at the sizes of the
office's screens, to LOOK at what the program shows (issue 18) and to refresh the README's pictures.

    scripts/screenshots [--docs]        # both sizes, each under an Xvfb screen of that size
    xvfb-run -a -s "-screen 0 1366x768x24" .venv/bin/python scripts/screenshots.py --size 1366x768

Under Xvfb the real xcb platform draws the window (as on a desktop); without a display Qt's offscreen
platform is used (the same widgets and fonts, no window frame). Each picture is the window as Qt painted
it (``QWidget.grab``): WIDTHxHEIGHT-<page>.png, one per page, settings tab and dialog, for 1366×768 (a
laptop: the window is the screen less a 40 px taskbar) and 1920×1080.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SIZES = ((1366, 768), (1920, 1080))
TASKBAR = 40
#: the README's pictures: docs/screenshot-<name>.png ← the page at 1366×768
DOCS = {
    "members": "members",
    "development": "development",
    "dossier": "dossier",
    "meetings": "meetings",
    "ledgers": "ledgers",
}


def _wait(ms: int = 300) -> None:
    from PySide6.QtTest import QTest

    QTest.qWait(ms)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="截取各页面的屏幕截图（演示数据）")
    parser.add_argument("--out", type=Path, default=Path(tempfile.gettempdir()) / "branchdesk-shots")
    parser.add_argument("--docs", action="store_true", help="同时更新 docs/screenshot-*.png（1366×768）")
    parser.add_argument("--members", type=int, default=60)
    parser.add_argument("--size", default="", help="屏幕尺寸，如 1366x768（默认两种尺寸）")
    args = parser.parse_args(argv)
    sizes = [tuple(int(x) for x in args.size.split("x"))] if args.size else list(SIZES)
    if not os.environ.get("DISPLAY") and not os.environ.get("QT_QPA_PLATFORM"):
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
    work = Path(tempfile.mkdtemp(prefix="branchdesk-shots-"))
    os.environ["BRANCHDESK_DATA_DIR"] = str(work / "data")
    os.environ.pop("BRANCHDESK_DB", None)
    args.out.mkdir(parents=True, exist_ok=True)

    from PySide6.QtCore import QSettings

    from branchdesk.config import resolve_location
    from branchdesk.db.migrate import open_database
    from branchdesk.services.demo import generate
    from branchdesk.ui.app import create_application, install_font

    app = create_application()
    install_font(app)
    for fmt in (QSettings.Format.NativeFormat, QSettings.Format.IniFormat):
        QSettings.setPath(fmt, QSettings.Scope.UserScope, str(work / "qsettings"))
    location = resolve_location(str(work / "演示支部.sqlite"))
    db, _ = open_database(location, user="演示")
    generate(db, members=args.members)

    from branchdesk.ui.context import AppContext
    from branchdesk.ui.main_window import AREAS, MainWindow

    ctx = AppContext(db, location)
    taken: list[Path] = []
    for width, height in sizes:
        window = MainWindow(ctx)
        window.resize(width, height - TASKBAR)
        window.move(0, 0)
        window.show()
        _wait(600)

        def shot(name: str, widget=None, *, w=width, h=height, win=window) -> None:
            _wait(250)
            path = args.out / f"{w}x{h}-{name}.png"
            (widget or win).grab().save(str(path))
            taken.append(path)

        for area in AREAS:
            window.show_area(area.key)
            _wait(700)  # lazy pages, the member list's background read
            if area.key == "ledgers":  # the preview is made off the GUI thread
                page = window.page("ledgers")
                for _ in range(120):
                    if getattr(page, "document", None) is not None and page.document.pageCount():
                        break
                    _wait(250)
                _wait(500)
            shot(area.key)
            if area.key == "development":
                page = window.page("development")
                ids = [d.id for d in ctx.development.list()][:1] if hasattr(ctx.development, "list") else []
                if ids and hasattr(page, "open_dossier"):
                    page.open_dossier(ids[0])
                    shot("dossier")
            if area.key == "settings":
                settings = window.page("settings")
                for index in range(settings.tabs.count()):
                    settings.tabs.setCurrentIndex(index)
                    shot(f"settings-{_slug(settings.tabs.tabText(index))}")
        _dialogs(ctx, window, shot)
        window.close()
        window.deleteLater()
        _wait(100)
    if args.docs:
        for name, target in DOCS.items():
            source = args.out / f"1366x768-{name}.png"
            if source.exists():
                shutil.copyfile(source, ROOT / "docs" / f"screenshot-{target}.png")
    print("\n".join(str(p) for p in taken))
    db.dispose()
    shutil.rmtree(work, ignore_errors=True)
    return 0


_SLUGS = {"支部信息": "profile", "党小组": "groups", "支部委员会": "committee", "支部荣誉": "honours",
          "数据库": "database", "发展党员规则": "rules", "检查起点与节假日": "calendar", "用户与权限": "accounts",
          "数据安全": "security"}  # fmt: skip


def _slug(title: str) -> str:
    return _SLUGS.get(title, f"tab{abs(hash(title)) % 1000}")


def _dialogs(ctx, window, shot) -> None:
    """The dialogs issue 18 named: the member form (学历), the meeting types, the vote with many voters."""
    from branchdesk.domain.meetings import MeetingType
    from branchdesk.services.members import MemberQuery
    from branchdesk.ui.dialogs import meeting_dialog as md
    from branchdesk.ui.dialogs.meeting_types_dialog import MeetingTypesDialog
    from branchdesk.ui.dialogs.member_dialog import MemberDialog

    first = ctx.members.records(MemberQuery())[0]
    dialog = MemberDialog(ctx, first.id, window)
    dialog.show()
    shot("dialog-member", dialog)
    dialog.tabs.setCurrentIndex(1)
    shot("dialog-member-party", dialog)
    dialog.done(0)
    types = MeetingTypesDialog(ctx.meetings, window)
    types.show()
    shot("dialog-meeting-types", types)
    types.done(0)
    draft = ctx.meetings.draft(MeetingType.GENERAL, dt.date.today(), status="draft")
    meeting = md.MeetingDialog(ctx, ctx.meetings, draft, parent=window)
    meeting.show()
    shot("dialog-meeting", meeting)
    vote = md.VoteDialog(
        "讨论接收预备党员", meeting.form_meeting(), None, window, kind="admission", person="某某"
    )
    vote.show()
    shot("dialog-vote", vote)
    vote.done(0)
    meeting.tabs.setCurrentIndex(2)
    shot("dialog-meeting-agenda", meeting)
    meeting.done(0)
    from branchdesk.ui.dialogs.import_dialog import ImportMembersDialog

    imports = ImportMembersDialog(ctx, window)
    imports.show()
    shot("dialog-import", imports)
    imports.done(0)


if __name__ == "__main__":
    sys.exit(main())
