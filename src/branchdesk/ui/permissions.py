"""What the signed-in user's role hides in the window.

The services refuse what a role may not do (`Database.write` / `Database.require`); this module only
spares a 查阅 user buttons that would be refused, and a 委员 the administrator's. Actions are disabled
for good (put in a disabled QActionGroup, so a page's own "enable when a row is selected" cannot bring
them back); buttons are hidden.

A page not listed below may define `restrict_to(principal)` and hide its own editing widgets.
"""

from __future__ import annotations

from PySide6.QtGui import QAction, QActionGroup
from PySide6.QtWidgets import QWidget

from branchdesk.domain.auth import Principal, Role

READ_ONLY_TIP = "当前用户（查阅）只能查看、打印和导出，不能修改"
ADMIN_ONLY_TIP = "只有管理员可以使用"

# page key -> attributes (dotted paths) a role below the given one must not use
RESTRICTED: dict[str, dict[Role, tuple[str, ...]]] = {
    "window": {Role.ADMIN: ("action_restore",)},
    "members": {Role.COMMITTEE: ("action_add", "action_edit", "action_status", "action_import")},
    "dues": {Role.COMMITTEE: ("save_button", "tick_all", "remit_button", "assess_button", "exempt_button")},
    "development": {
        Role.COMMITTEE: (
            "new_button",
            "import_button",
            "dossier_view.record_next_button",
            "dossier_view.record_selected_button",
            "dossier_view.close_button",
        ),
    },
    "meetings": {
        Role.COMMITTEE: ("new_button", "recurring_button", "finalise_button", "amend_button", "types_button"),
    },
    "assess": {Role.COMMITTEE: ("save_button", "score_button", "attach_button", "import_button")},
    "settings": {
        Role.COMMITTEE: (
            "save_profile_button",
            "add_group_button",
            "rename_group_button",
            "remove_group_button",
            "appoint_button",
            "end_term_button",
            "add_honour_button",
            "remove_honour_button",
        ),
        Role.ADMIN: (
            "rules_panel.save_button",
            "rules_panel.defaults_button",
            "rules_panel.remove_change_button",
            "rules_panel.all_dates",
            "calendar_panel.save_start_button",
            "calendar_panel.save_year_button",
            "calendar_panel.import_button",
        ),
    },
}


# page key -> editors made read-only (the values stay visible) and a note saying why
FROZEN: dict[str, dict[Role, tuple[str, ...]]] = {
    "settings": {
        Role.COMMITTEE: (
            "branch_name",
            "founded_on",
            "higher_committee",
            "branch_address",
            "term_start",
            "term_end",
            "branch_notes",
        ),
        Role.ADMIN: (
            "rules_panel.spins",
            "rules_panel.items",
            "rules_panel.effective",
            "calendar_panel.records_since",
            "calendar_panel.days",
        ),
    },
}
NOTES: dict[str, dict[Role, tuple[tuple[str, str], ...]]] = {
    "members": {Role.COMMITTEE: (("open_hint", "查阅用户：选中一行即可在右侧查看档案"),)},
    "settings": {
        Role.COMMITTEE: (("profile_status", "当前用户（查阅）只能查看支部信息，不能修改。"),),
        Role.ADMIN: (("rules_panel.status", "只有管理员可以修改规则设置。"),),
    },
}


def _resolve(obj, path: str):
    for name in path.split("."):
        obj = getattr(obj, name, None)
        if obj is None:
            return None
    return obj


def _freeze(widget: QWidget) -> None:
    if hasattr(widget, "setReadOnly"):
        widget.setReadOnly(True)
    else:
        widget.setEnabled(False)


def disable_action(action: QAction, tip: str) -> None:
    group = QActionGroup(action.parent() or action)
    group.setExclusionPolicy(QActionGroup.ExclusionPolicy.None_)
    group.addAction(action)
    group.setEnabled(False)
    action.setToolTip(tip)
    action.setStatusTip(tip)


def restrict(key: str, page, principal: Principal) -> None:
    """Hide or disable what `principal` may not use on `page` (the window itself is key "window")."""
    for needed, paths in RESTRICTED.get(key, {}).items():
        if principal.may(needed):
            continue
        tip = ADMIN_ONLY_TIP if needed is Role.ADMIN else READ_ONLY_TIP
        for path in paths:
            target = _resolve(page, path)
            if isinstance(target, QAction):
                disable_action(target, tip)
            elif isinstance(target, QWidget):
                target.hide()
    for needed, paths in FROZEN.get(key, {}).items():
        if not principal.may(needed):
            for path in paths:
                target = _resolve(page, path)
                for widget in target.values() if isinstance(target, dict) else [target]:
                    if isinstance(widget, QWidget):
                        _freeze(widget)
    for needed, notes in NOTES.get(key, {}).items():
        if not principal.may(needed):
            for path, text in notes:
                label = _resolve(page, path)
                if label is not None:
                    label.setText(text)
    hook = getattr(page, "restrict_to", None)
    if callable(hook):
        hook(principal)
