"""生成材料: a button with a menu of the Word documents (reports/word_docs.py) for a person or a meeting.

The dossier page offers the person's documents (谈话记录, 公示, 请示, 决议 …), the meeting editor the
meeting's (会议通知, 会议记录). Choosing one asks where to save it, fills the branch's template off the
GUI thread and offers to open the folder; a template the branch broke (an unknown field) is named in a
warning. 编辑模板… opens the folder of the branch's templates; 恢复默认模板 puts the shipped ones back.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QMenu, QToolButton, QWidget

from branchdesk.ui.widgets import prompts

DOCX_FILTER = "Word 文档 (*.docx)"


def docs_button(parent: QWidget, ctx, needs: str, subject: Callable[[], tuple[str | int, str] | None]
                ) -> QToolButton:  # fmt: skip
    """A 生成材料 button. ``subject()`` gives (dossier id or meeting id, a name for the file) or None
    when there is nothing to make a document for yet (it has said why)."""
    from branchdesk.reports.word_docs import DOCS

    button = QToolButton(parent)
    button.setObjectName("makeDocuments")
    button.setText("生成材料")
    button.setToolTip("按本支部的 Word 模板生成文书（模板可在数据文件夹中修改）")
    button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
    menu = QMenu(button)
    for spec in DOCS:
        if spec.needs != needs:
            continue
        action = menu.addAction(spec.title + "…")
        action.setData(spec.name)
        action.triggered.connect(lambda _checked=False, n=spec.name: make(parent, ctx, n, needs, subject))
    menu.addSeparator()
    menu.addAction("编辑模板…").triggered.connect(lambda: _open_templates(parent))
    menu.addAction("恢复默认模板…").triggered.connect(lambda: _reset(parent, needs))
    button.setMenu(menu)
    return button


def make(parent: QWidget, ctx, name: str, needs: str, subject, *, path: Path | None = None) -> Path | None:
    """Make document `name` for the current subject; the file written, or None."""
    from branchdesk.domain.errors import NotFoundError
    from branchdesk.reports.word import TemplateError
    from branchdesk.reports.word_docs import default_file_name, doc_spec, make_document
    from branchdesk.ui.dialogs.export import last_folder, remember_folder
    from branchdesk.ui.worker import run_in_background

    found = subject()
    if found is None:
        return None
    key, label = found
    spec = doc_spec(name)
    if path is None:
        chosen = prompts.save_file_name(parent, f"生成{spec.title}", last_folder() / default_file_name(spec, label),
                                        DOCX_FILTER)  # fmt: skip
        if chosen is None:
            return None
        path = chosen if chosen.suffix.lower() == ".docx" else chosen.with_name(chosen.name + ".docx")
    kwargs = {"person": str(key)} if needs == "person" else {"meeting": int(key)}
    try:
        written = run_in_background(
            parent, f"正在生成{spec.title}…", make_document, ctx.ws, name, path, **kwargs
        )
    except (TemplateError, NotFoundError, ValueError, OSError) as exc:
        prompts.warn(parent, f"无法生成{spec.title}", str(exc))
        return None
    remember_folder(path)
    prompts.file_saved(parent, "已生成", f"已生成{spec.title}：\n{written}", written)
    return written


def _open_templates(parent: QWidget) -> None:
    from branchdesk.reports.word import template_path, user_dir
    from branchdesk.reports.word_docs import DOCS

    for spec in DOCS:
        template_path(spec.name)  # the branch's copies exist before it looks for them
    QDesktopServices.openUrl(QUrl.fromLocalFile(str(user_dir())))


def _reset(parent: QWidget, needs: str) -> None:
    from branchdesk.reports.word import reset_templates
    from branchdesk.reports.word_docs import DOCS

    names = [s.name for s in DOCS if s.needs == needs]
    if prompts.ask(
        parent, "恢复默认模板", "把这些文书的模板恢复为程序自带的模板？本支部对模板所作的修改将被覆盖。"
    ):
        reset_templates(names)
