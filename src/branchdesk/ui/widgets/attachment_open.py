"""打开 a stored attachment: its bytes written into a private temp folder of its own (0700), under its
stored name reduced to one plain file name, then opened by the system's program for its type; a
program or script is never launched (its folder is shown instead). Used by the meeting editor, the
自评 page and the activities page."""

from __future__ import annotations

import tempfile
from pathlib import Path

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QWidget

from branchdesk.ui.widgets import prompts


def open_attachment_bytes(parent: QWidget | None, file_name: str, content: bytes) -> Path | None:
    """Write ``content`` as ``file_name`` into a new private folder and open it; the file written
    (None when nothing was written)."""
    from branchdesk.domain.file_names import is_executable, safe_file_name

    # names stored by earlier versions were not cut to one plain name: nothing is written outside
    folder = Path(tempfile.mkdtemp(prefix="branchdesk-"))
    target = folder / safe_file_name(file_name)
    if target.resolve().parent != folder.resolve():  # pragma: no cover - safe_file_name forbids it
        return None
    target.write_bytes(content)
    if is_executable(target.name):
        prompts.warn(parent, "附件", f"“{target.name}”是可以运行的程序或脚本，为安全起见不直接打开。"
                                    "已打开它所在的文件夹，如确有需要请自行检查后再使用。")  # fmt: skip
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder)))
        return target
    QDesktopServices.openUrl(QUrl.fromLocalFile(str(target)))
    return target
