"""从备份恢复: the list of backups, what the selected one holds, and 恢复 after a clear question.

Restoring replaces the database file, so the app's connections are closed first (``ctx.db.dispose()``)
and the program must start again afterwards: after a successful restore the dialog says so and
``restored`` is the copy of the previous database; the caller then quits the application.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from branchdesk.db.backup import BackupError
from branchdesk.services.backups import (
    PG_MESSAGE,
    BackupInfo,
    check_restorable,
    list_backups,
    preview_backup,
    restore_backup,
)
from branchdesk.ui.context import AppContext
from branchdesk.ui.widgets import prompts
from branchdesk.ui.widgets.dialog_parts import record_table

HEADERS = ["备份时间", "类型", "大小"]


def _size(size: int) -> str:
    return f"{size / 1024 / 1024:.1f} MB" if size >= 1024 * 1024 else f"{max(size // 1024, 1)} KB"


class RestoreDialog(QDialog):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle("从备份恢复数据库")
        self.restored: Path | None = None  # set after a successful restore (the pre-restore copy)
        self.done_restoring = False
        self.backups: list[BackupInfo] = []
        self.chosen: Path | None = None

        intro = QLabel(
            "选择一个备份，查看其中的内容后点击“恢复”。恢复前，当前数据库会先另存一份，"
            "恢复后如有需要还可以用它恢复回来。"
        )
        intro.setWordWrap(True)
        self.table = record_table(HEADERS, widest_short_text="退出时自动备份")
        self.table.itemSelectionChanged.connect(self._on_selection)
        self.table.doubleClicked.connect(lambda _index: self.restore())
        self.preview = QLabel("请选择一个备份")
        self.preview.setObjectName("backupPreview")
        self.preview.setWordWrap(True)
        self.preview.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.preview.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.preview.setMinimumWidth(300)
        box = QGroupBox("备份内容")
        box_layout = QVBoxLayout(box)
        box_layout.addWidget(self.preview)

        middle = QHBoxLayout()
        middle.addWidget(self.table, 3)
        middle.addWidget(box, 2)

        buttons = QDialogButtonBox()
        self.other_button = buttons.addButton("选择其他备份文件…", QDialogButtonBox.ButtonRole.ActionRole)
        self.restore_button = buttons.addButton("恢复", QDialogButtonBox.ButtonRole.ActionRole)
        close_button = buttons.addButton("关闭", QDialogButtonBox.ButtonRole.RejectRole)
        for button in (self.other_button, self.restore_button, close_button):
            button.setAutoDefault(False)
        self.other_button.clicked.connect(self.choose_file)
        self.restore_button.clicked.connect(self.restore)
        buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(middle, 1)
        layout.addWidget(buttons)
        self.resize(900, 460)
        self.reload()

    # ---- the list ------------------------------------------------------------------------------
    def reload(self) -> None:
        if self.ctx.location.sqlite_path is None:
            self.backups = []
            self.table.setRowCount(0)
            self.preview.setText(PG_MESSAGE)
            self.restore_button.setEnabled(False)
            self.other_button.setEnabled(False)
            return
        self.backups = list_backups(self.ctx.location)
        self.table.setRowCount(len(self.backups))
        for row, b in enumerate(self.backups):
            kind = b.kind_label if b.verified else f"{b.kind_label}（未通过校验）"
            for col, text in enumerate((f"{b.taken_at:%Y-%m-%d %H:%M:%S}", kind, _size(b.size))):
                item = QTableWidgetItem(text)
                item.setToolTip(str(b.path))
                self.table.setItem(row, col, item)
        if self.backups:
            self.table.selectRow(0)
        else:
            self.preview.setText(f"还没有备份。\n\n备份文件夹：{self.ctx.location.backup_dir()}")
            self.restore_button.setEnabled(False)

    def _on_selection(self) -> None:
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            return
        info = self.backups[rows[0].row()]
        if not info.verified:
            self.chosen = None
            self.preview.setText(f"这个备份没有通过校验，不能用于恢复。\n\n{info.path}")
            self.restore_button.setEnabled(False)
            return
        self.show_preview(info.path, ask=False)

    def show_preview(self, path: Path, *, ask: bool = True) -> None:
        from branchdesk.db.crypto import KeyNeeded

        try:
            try:
                preview = preview_backup(path)
            except KeyNeeded:  # an encrypted backup of another key: a password or recovery code of its time
                if not ask:  # only selected in the list: ask when it is to be restored
                    self.chosen = Path(path)
                    self.preview.setText(
                        "这个备份已加密，密钥与当前数据库不同：需要备份时的账户密码或恢复码。"
                        f"点“恢复”时会先询问。\n\n文件：{path}"
                    )
                    self.restore_button.setEnabled(True)
                    return
                if not self._unlock(path):
                    self.chosen = None
                    self.preview.setText("这个备份已加密。需要输入备份时的账户密码或恢复码才能查看和恢复。")
                    self.restore_button.setEnabled(False)
                    return
                preview = preview_backup(path)
        except BackupError as exc:
            self.chosen = None
            self.preview.setText(f"无法读取这个备份：{exc}")
            self.restore_button.setEnabled(False)
            return
        self.chosen = Path(path)
        self.preview.setText("\n".join([*preview.describe(), "", f"文件：{path}"]))
        self.restore_button.setEnabled(True)

    def _unlock(self, path: Path) -> bool:
        from branchdesk.ui.dialogs.encryption_dialog import UnlockBackupDialog

        return UnlockBackupDialog(path, self).exec() == QDialog.DialogCode.Accepted

    def choose_file(self) -> None:
        path = prompts.open_file_name(
            self,
            "选择备份文件",
            self.ctx.location.backup_dir(),
            "SQLite 数据库 (*.sqlite *.db);;所有文件 (*)",
        )
        if path is None:
            return
        self.table.clearSelection()
        self.show_preview(path)

    # ---- restoring -----------------------------------------------------------------------------
    def restore(self) -> None:
        if self.chosen is None or self.done_restoring:
            return
        path = self.chosen
        from branchdesk.db import crypto

        if crypto.needs_unlock(path):
            self.show_preview(path)  # asks for a password or the recovery code of the backup's time
            if self.chosen is None or crypto.needs_unlock(path):
                return
        try:
            check_restorable(path)
        except BackupError as exc:
            prompts.warn(self, "不能恢复", str(exc))
            return
        if not prompts.ask(
            self,
            "确认恢复",
            f"确定用这个备份替换当前数据库吗？\n\n{path.name}\n\n"
            "当前数据库会先另存到备份文件夹（恢复前的数据库）。恢复完成后程序将关闭，请重新启动。",
            yes="恢复",
            no="取消",
            danger=True,
        ):
            return
        from branchdesk.ui.worker import run_in_background

        self.ctx.db.dispose()  # close the app's connections: the file is about to be replaced
        try:
            pre = run_in_background(
                self, "正在恢复数据库…", restore_backup, self.ctx.location, path, by=self.ctx.db.principal
            )
        except (BackupError, OSError) as exc:
            prompts.warn(self, "恢复失败", f"没有恢复，当前数据库保持原样。\n\n{exc}")
            return
        self.restored = pre
        self.done_restoring = True
        text = "数据库已从备份恢复。程序现在关闭，请重新启动。"
        if pre is not None:
            text += f"\n\n恢复前的数据库已另存为：\n{pre}"
        prompts.inform(self, "恢复完成", text)
        self.accept()
