"""Every dialog fits a 1366×768 laptop (issue 18): opened at that screen size (less a taskbar), its
buttons are on screen, not below the bottom edge. One case per dialog; a vote with 25 people who do
not vote (a student branch's probationary members) among them."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest
from PySide6.QtCore import QPoint, QRect, QSize
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractScrollArea,
    QApplication,
    QDialog,
    QDialogButtonBox,
    QPushButton,
)

from branchdesk.domain.development import Step
from branchdesk.domain.meetings import Attendee, Meeting, MeetingType
from tests.unit.dev_builders import admitted, candidate_stage

SCREEN = QSize(1366, 768 - 48)  # the laptop's work area under a taskbar
TODAY = dt.date(2026, 11, 20)


def _meeting_25() -> Meeting:
    voters = [Attendee(i, f"正式党员{i:02d}") for i in range(1, 25)]
    students = [
        Attendee(100 + i, f"预备党员{i:02d}", voter=False, member_type="probationary") for i in range(25)
    ]
    return Meeting(type=MeetingType.GENERAL, date=TODAY, attendance=tuple(voters + students))


def _dossier(ctx, roster, builder):
    dossier_id = ctx.ws.development.save(replace(builder(), id=None))
    return ctx.ws.development.get(dossier_id)


def _factories():
    from branchdesk.ui.dialogs import (
        award_dialog,
        branch_dialogs,
        encryption_dialog,
        import_dialog,
        login_dialog,
        meeting_types_dialog,
        member_dialog,
        restore_dialog,
        status_dialog,
    )
    from branchdesk.ui.dialogs import meeting_dialog as md
    from branchdesk.ui.dialogs import step_dialog as sd
    from branchdesk.ui.first_run import AdminSetupDialog, FirstRunDialog
    from branchdesk.ui.pages.account_settings import AccountDialog
    from branchdesk.ui.pages.meetings import RecurringDialog, StatisticsDialog
    from branchdesk.ui.worker import ProgressDialog

    ws = lambda c: c.ws  # noqa: E731
    return {
        "first_run": lambda c, r, t: FirstRunDialog(c),
        "admin_setup": lambda c, r, t: AdminSetupDialog(c),
        "progress": lambda c, r, t: ProgressDialog("正在导入"),
        "award": lambda c, r, t: award_dialog.AwardDialog(c, r["张三"].id, "张三"),
        "appoint": lambda c, r, t: branch_dialogs.AppointDialog(c),
        "honour": lambda c, r, t: branch_dialogs.HonourDialog(c),
        "encrypt": lambda c, r, t: encryption_dialog.ConfirmDialog(c, encrypting=True),
        "unlock_backup": lambda c, r, t: encryption_dialog.UnlockBackupDialog(t / "备份.bdbak"),
        "import_members": lambda c, r, t: import_dialog.ImportMembersDialog(c),
        "login": lambda c, r, t: login_dialog.LoginDialog(ws(c).auth),
        "forgot_password": lambda c, r, t: login_dialog.ForgotPasswordDialog(ws(c).auth),
        "password": lambda c, r, t: login_dialog.PasswordDialog("修改密码", "请输入新密码", lambda *a: None, ask_old=True),
        "recovery_code": lambda c, r, t: login_dialog.RecoveryCodeDialog("ABCD-EFGH-JKLM-NPQR-STUV"),
        "vote_25": lambda c, r, t: md.VoteDialog("讨论接收预备党员", _meeting_25(), None, kind="admission", person="赵敏"),
        "amendment": lambda c, r, t: md.AmendmentDialog(_meeting_25(), today=TODAY),
        "exclusion": lambda c, r, t: md.ExclusionDialog("张三", TODAY),
        "meeting": lambda c, r, t: md.MeetingDialog(c, ws(c).meetings, ws(c).meetings.draft(MeetingType.GENERAL, TODAY,
                                                                                             status="draft"), today=TODAY),
        "meeting_type_new": lambda c, r, t: meeting_types_dialog.NewTypeDialog(ws(c).meetings),
        "meeting_types": lambda c, r, t: meeting_types_dialog.MeetingTypesDialog(ws(c).meetings),
        "member_new": lambda c, r, t: member_dialog.MemberDialog(c, None),
        "member_edit": lambda c, r, t: member_dialog.MemberDialog(c, r["张三"].id),
        "restore": lambda c, r, t: restore_dialog.RestoreDialog(c),
        "status": lambda c, r, t: status_dialog.StatusDialog(c, r["张三"].id),
        "step_vote": lambda c, r, t: sd.StepDialog(c, ws(c).development, _dossier(c, r, candidate_stage),
                                                   Step.ADMISSION_VOTE, today=TODAY),
        "step_candidate": lambda c, r, t: sd.StepDialog(c, ws(c).development, _dossier(c, r, candidate_stage),
                                                        Step.CANDIDATE, today=TODAY),
        "new_dossier": lambda c, r, t: sd.NewDossierDialog(c, ws(c).development, today=TODAY),
        "close_dossier": lambda c, r, t: sd.CloseDossierDialog(ws(c).development, _dossier(c, r, admitted), today=TODAY),
        "account": lambda c, r, t: AccountDialog(ws(c).auth),
        "recurring": lambda c, r, t: RecurringDialog(ws(c).meetings, year=2026, today=TODAY),
        "statistics": lambda c, r, t: StatisticsDialog(ws(c).meetings.statistics(2026), dict(ws(c).meetings.groups())),
    }  # fmt: skip


@pytest.fixture(scope="module")
def shared(tmp_path_factory):
    """One branch with the six members of tests/ui/conftest.py for every case of this module (opening
    a dialog changes nothing that another case reads; a database per case would cost a second each)."""
    from branchdesk.config import resolve_location
    from branchdesk.db.migrate import open_database
    from branchdesk.services.branch import BranchProfile
    from branchdesk.ui.context import AppContext
    from branchdesk.workspace import Workspace
    from tests.ui.conftest import roster as make_roster

    base = tmp_path_factory.mktemp("small-screen")
    (base / "data").mkdir()
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("BRANCHDESK_DATA_DIR", str(base / "data"))
        mp.delenv("BRANCHDESK_DB", raising=False)
        location = resolve_location(str(base / "branchdesk.sqlite"))
        db, _ = open_database(location, user="测试用户")
        branch = Workspace(db).branch
        branch.save_profile(BranchProfile(name="测试学院教工第一党支部", higher_committee="测试学院党委"))
        branch.add_group("第一党小组")
        branch.add_group("第二党小组")
        ws = Workspace.open(db)
        people = make_roster.__wrapped__(ws.members, ws.branch)
        yield AppContext(ws, location), people, base
    db.dispose()


@pytest.mark.parametrize("name", sorted(_factories()))
def test_the_dialog_fits_a_1366x768_screen_with_its_buttons_visible(
    qtbot, monkeypatch, ctx, roster, tmp_path, name
):
    from branchdesk.ui.widgets import dialog_parts

    monkeypatch.setattr(dialog_parts, "available_size", lambda widget: SCREEN)  # the laptop's screen
    dialog: QDialog = _factories()[name](ctx, roster, tmp_path)
    qtbot.addWidget(dialog)
    least = dialog.minimumSizeHint().expandedTo(dialog.minimumSize())
    assert least.width() <= SCREEN.width() and least.height() <= SCREEN.height(), f"{name}: at least {least}"
    dialog.show()
    QApplication.processEvents()
    assert dialog.height() <= SCREEN.height() and dialog.width() <= SCREEN.width(), f"{name}: {dialog.size()}"
    boxes = [b for b in dialog.findChildren(QDialogButtonBox) if b.isVisibleTo(dialog)]
    buttons = [b for box in boxes for b in box.findChildren(QAbstractButton) if b.isVisibleTo(dialog)]
    if not boxes:  # a dialog with its own row of buttons
        buttons = [
            b for b in dialog.findChildren(QPushButton) if b.isVisibleTo(dialog) and not _scrolled(b, dialog)
        ]
    assert buttons, f"{name}: no visible buttons"
    for button in buttons:
        where = QRect(button.mapTo(dialog, QPoint(0, 0)), button.size())
        assert dialog.rect().contains(where), f"{name}: “{button.text()}” at {where} outside {dialog.rect()}"


def _scrolled(widget, top) -> bool:
    parent = widget.parentWidget()
    while parent is not None and parent is not top:
        if isinstance(parent, QAbstractScrollArea):
            return True
        parent = parent.parentWidget()
    return False
