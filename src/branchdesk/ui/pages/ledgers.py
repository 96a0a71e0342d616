"""台账打印: choose ledgers, a period and a masking profile; preview, print, save; the inspection pack.

Left: the ledgers of the registry grouped (名册 / 发展党员 / 会议 …) with check boxes, the period (a
year, or from–to dates), the profile (完整 / 脱敏), and the actions. Right: the preview, a PDF made
on a worker thread into a temporary folder and shown with QPdfView (the window stays usable while it
is made; a newer choice cancels an older preview). 打印… renders the previewed pages onto the
printer (ui/widgets/pdf_printing.py); 另存为 PDF… copies the previewed file (or makes it when the
preview is not current); 另存为 Excel… and 生成迎检资料包… write behind the modal progress dialog of
`ui.worker`. Characters the font lacks (PdfResult.missing) are named in a warning above the preview
and after saving.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import os
import shutil
import tempfile
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from PySide6.QtCore import QDate, QPointF, QSettings, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtPdf import QPdfBookmarkModel, QPdfDocument
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QApplication,
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QFormLayout,
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QProgressDialog,
    QRadioButton,
    QSizePolicy,
    QSpinBox,
    QSplitter,
    QStackedWidget,
    QToolButton,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from branchdesk import APP_NAME
from branchdesk.reports.ledger import MASK_PROFILES
from branchdesk.reports.registry import Period, ledger_specs
from branchdesk.ui.context import AppContext
from branchdesk.ui.dialogs.export import last_folder, remember_folder
from branchdesk.ui.models.ledger_choice import LedgerChoiceModel
from branchdesk.ui.widgets import prompts
from branchdesk.ui.widgets.job_strip import JobStrip

log = logging.getLogger(__name__)

PDF_FILTER = "PDF 文件 (*.pdf)"
XLSX_FILTER = "Excel 工作簿 (*.xlsx)"
PREVIEW_DELAY_MS = 400  # after the last change of choice, before a new preview starts
ZOOMS = [("适合宽度", None), ("整页", 0.0), ("50%", 0.5), ("75%", 0.75), ("100%", 1.0), ("150%", 1.5),
         ("200%", 2.0)]  # fmt: skip
DEFAULT_KEYS = ["roster"]
_SETTINGS_KEYS = "ledgers/checked"
_SETTINGS_MASK = "ledgers/mask"
_SETTINGS_FONT = "ledgers/font"
_SETTINGS_COVER = "ledgers/cover"


@dataclass(frozen=True)
class Choice:
    """What the user chose: the preview shows exactly this, and is current while it is unchanged."""

    keys: tuple[str, ...]
    period: Period
    mask: str
    cover: bool
    font: str = "sans"  # the PDF's face: "sans" or "serif" (宋体 style, for formal documents)


def _to_date(value: QDate) -> dt.date:
    return dt.date(value.year(), value.month(), value.day())


def _with_suffix(path: Path, suffix: str) -> Path:
    return path if path.suffix.lower() == suffix else path.with_name(path.name + suffix)


class LedgersPage(QWidget):
    preview_ready = Signal(int)  # pages in the new preview
    preview_failed = Signal(str)
    message = Signal(str)  # a line for the status bar

    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.settings = QSettings(APP_NAME, APP_NAME)
        self.specs = ledger_specs()
        self._tmp = tempfile.TemporaryDirectory(prefix="branchdesk-preview-", ignore_cleanup_errors=True)
        self._serial = 0
        self._shown: Choice | None = None  # what the preview shows
        self._running: Choice | None = None  # what the running job makes
        self._pending = False  # another preview is wanted once the running one stops
        self.missing: dict[str, set[str]] = {}

        # ---- left: choice ------------------------------------------------------------------------
        self.model = LedgerChoiceModel(self.specs, self)
        self.tree = QTreeView()
        self.tree.setObjectName("ledgerTree")
        self.tree.setModel(self.model)
        self.tree.setHeaderHidden(True)
        self.tree.setRootIsDecorated(False)
        self.tree.setItemsExpandable(False)
        self.tree.expandAll()
        self.tree.setUniformRowHeights(True)
        self.tree.setMinimumHeight(120)

        self.year_radio = QRadioButton("年度")
        self.range_radio = QRadioButton("起止日期")
        self.period_group = QButtonGroup(self)
        self.period_group.addButton(self.year_radio)
        self.period_group.addButton(self.range_radio)
        today = dt.date.today()
        self.year_spin = QSpinBox()
        self.year_spin.setObjectName("ledgerYear")
        self.year_spin.setRange(1950, today.year + 1)
        self.year_spin.setValue(today.year)
        self.year_spin.setSuffix(" 年")
        self.from_edit = self._date_edit(QDate(today.year, 1, 1))
        self.to_edit = self._date_edit(QDate(today.year, today.month, today.day))
        self.year_radio.setChecked(True)
        period_box = QGroupBox("期间")
        grid = QGridLayout(period_box)
        grid.addWidget(self.year_radio, 0, 0)
        grid.addWidget(self.year_spin, 0, 1, 1, 3)
        grid.addWidget(self.range_radio, 1, 0)
        grid.addWidget(self.from_edit, 1, 1)
        grid.addWidget(QLabel("至"), 1, 2)
        grid.addWidget(self.to_edit, 1, 3)
        grid.setColumnStretch(1, 1)
        grid.setColumnStretch(3, 1)

        self.mask_combo = QComboBox()
        self.mask_combo.setObjectName("ledgerMask")
        for key, label in MASK_PROFILES.items():
            self.mask_combo.addItem(label, key)
        self.cover_check = QCheckBox("加封面和目录")
        self.cover_check.setToolTip("在 PDF 和打印件前面加一页封面和一页目录（迎检资料包总是带封面和目录）")
        options = QFormLayout()
        options.addRow("用途：", self.mask_combo)
        from branchdesk.reports.fonts import FACES

        self.font_combo = QComboBox()
        self.font_combo.setObjectName("ledgerFont")
        for key, label in FACES.items():
            self.font_combo.addItem(label, key)
        self.font_combo.setToolTip("PDF 和打印所用字体：宋体适合会议记录、名册、函件等正式文书")
        options.addRow("字体：", self.font_combo)
        options.addRow("", self.cover_check)
        self.roster_columns_button = self._roster_columns_button()
        options.addRow("花名册：", self.roster_columns_button)
        from branchdesk.reports.development import LAYOUTS

        self.development_layout = QComboBox()
        self.development_layout.setObjectName("developmentLayout")
        for key, label in LAYOUTS.items():
            self.development_layout.addItem(label, key)
        self.development_layout.activated.connect(self._development_layout_changed)
        options.addRow("发展党员台账：", self.development_layout)

        # F5 is the window's 刷新, which on this page redoes the preview (refresh_view)
        self.action_preview = self._action("预览", "按所选台账和期间生成预览（F5）", None,
                                           lambda: self.request_preview(now=True))  # fmt: skip
        self.action_print = self._action("打印…", "打印所选台账（Ctrl+P）", QKeySequence("Ctrl+P"),
                                         self.print_document)  # fmt: skip
        self.action_save_pdf = self._action("另存为 PDF…", "把所选台账保存为 PDF 文件（Ctrl+Shift+S）",
                                            QKeySequence("Ctrl+Shift+S"), self.save_pdf)  # fmt: skip
        self.action_save_xlsx = self._action("另存为 Excel…", "把所选台账保存为 Excel 工作簿（每张台账一个工作表）",
                                             None, self.save_xlsx)  # fmt: skip
        self.action_pack = self._action("生成迎检资料包…", "把全部台账生成一个资料包：PDF、Excel、文件清单和校验值",
                                        None, self.make_pack)  # fmt: skip
        actions_box = QVBoxLayout()
        row = QHBoxLayout()
        for action in (self.action_print, self.action_save_pdf, self.action_save_xlsx):
            row.addWidget(self._button(action))
        actions_box.addLayout(row)

        self.zip_check = QCheckBox("打包成一个 zip 文件")
        self.compliance_check = QCheckBox("包含检查情况汇总")
        self.compliance_check.setObjectName("packCompliance")
        self.compliance_check.setToolTip("检查情况汇总是支部自查用的，默认不放进迎检资料包")
        pack_box = QGroupBox("迎检资料包")
        pack_layout = QVBoxLayout(pack_box)
        pack_hint = QLabel(
            "全部台账按顺序合成一个带目录和书签的 PDF，另附 Excel 工作簿、文件清单和 SHA-256 校验值，"
            "放在所选文件夹中新建的“迎检资料”文件夹里。期间和用途按上面的选择。"
        )
        pack_hint.setWordWrap(True)
        pack_hint.setStyleSheet("color: #555;")
        pack_layout.addWidget(pack_hint)
        pack_row = QHBoxLayout()
        pack_layout.addWidget(self.compliance_check)
        pack_row.addWidget(self.zip_check)
        pack_row.addStretch(1)
        pack_row.addWidget(self._button(self.action_pack))
        pack_layout.addLayout(pack_row)

        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(10, 10, 6, 8)
        heading = QLabel("选择台账")
        heading.setStyleSheet("font-weight: bold;")
        self.all_button = QToolButton()
        self.all_button.setText("全选")
        self.all_button.clicked.connect(lambda: self.model.set_checked(s.key for s in self.specs))
        self.none_button = QToolButton()
        self.none_button.setText("全不选")
        self.none_button.clicked.connect(lambda: self.model.set_checked([]))
        heading_row = QHBoxLayout()
        heading_row.addWidget(heading, 1)
        heading_row.addWidget(self.all_button)
        heading_row.addWidget(self.none_button)
        left_layout.addLayout(heading_row)
        left_layout.addWidget(self.tree, 1)
        left_layout.addWidget(period_box)
        left_layout.addLayout(options)
        left_layout.addLayout(actions_box)
        left_layout.addSpacing(6)
        left_layout.addWidget(pack_box)

        # ---- right: preview ----------------------------------------------------------------------
        self.document = QPdfDocument(self)
        self.view = QPdfView()
        self.view.setObjectName("ledgerPreview")
        self.view.setDocument(self.document)
        self.view.setPageMode(QPdfView.PageMode.MultiPage)
        self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        self.view.setPageSpacing(12)
        self.view.setStyleSheet("QPdfView { background: #8a8f96; }")

        self.prev_button = QToolButton()
        self.prev_button.setText("上一页")
        self.prev_button.setToolTip("上一页（PgUp）")
        self.next_button = QToolButton()
        self.next_button.setText("下一页")
        self.next_button.setToolTip("下一页（PgDown）")
        self.page_spin = QSpinBox()
        self.page_spin.setObjectName("previewPage")
        self.page_spin.setRange(1, 1)
        self.page_count_label = QLabel("/ 共 0 页")
        self.zoom_combo = QComboBox()
        self.zoom_combo.setObjectName("previewZoom")
        for label, _ in ZOOMS:
            self.zoom_combo.addItem(label)
        self.bookmarks = QPdfBookmarkModel(self)
        self.bookmarks.setDocument(self.document)
        self.jump_combo = QComboBox()  # the ledgers (top-level bookmarks) of the preview
        self.jump_combo.setObjectName("previewJump")
        self.jump_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.jump_combo.setMinimumContentsLength(11)
        self.summary_label = QLabel()
        self.summary_label.setObjectName("previewSummary")
        self.summary_label.setMinimumWidth(40)  # it gives way to the buttons (the full text is its tooltip)
        self.summary_label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        bar = QHBoxLayout()
        bar.setContentsMargins(8, 6, 8, 6)
        bar.addWidget(self.prev_button)
        bar.addWidget(QLabel("第"))
        bar.addWidget(self.page_spin)
        bar.addWidget(self.page_count_label)
        bar.addWidget(self.next_button)
        bar.addSpacing(12)
        bar.addWidget(QLabel("缩放："))
        bar.addWidget(self.zoom_combo)
        bar.addSpacing(12)
        bar.addWidget(QLabel("跳到："))
        bar.addWidget(self.jump_combo)
        bar.addSpacing(12)
        bar.addWidget(self.summary_label, 1)
        bar.addWidget(self._button(self.action_preview))

        self.job = JobStrip()
        self.warning = QLabel()
        self.warning.setObjectName("missingGlyphs")
        self.warning.setWordWrap(True)
        self.warning.setStyleSheet("background: #fff4ce; color: #5c4400; padding: 6px 10px;"
                                   "border-bottom: 1px solid #e6d27a;")  # fmt: skip
        self.warning.hide()
        self.hint = QLabel()
        self.hint.setObjectName("previewHint")
        self.hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.hint.setWordWrap(True)
        self.hint.setStyleSheet("color: #555; font-size: 15px;")
        self.stack = QStackedWidget()
        self.stack.addWidget(self.hint)
        self.stack.addWidget(self.view)

        right = QFrame()
        right.setFrameShape(QFrame.Shape.StyledPanel)
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.setSpacing(0)
        right_layout.addLayout(bar)
        right_layout.addWidget(self.job)
        right_layout.addWidget(self.warning)
        right_layout.addWidget(self.stack, 1)

        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(left)
        self.splitter.addWidget(right)
        self.splitter.setStretchFactor(0, 0)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setCollapsible(1, False)
        self.splitter.setSizes([360, 900])
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 8, 8)
        layout.addWidget(self.splitter)

        # ---- state and wiring --------------------------------------------------------------------
        self._restore_choice()
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(PREVIEW_DELAY_MS)
        self._timer.timeout.connect(self.request_preview)
        self.model.checked_changed.connect(self._choice_changed)
        for signal in (self.year_spin.valueChanged, self.from_edit.dateChanged, self.to_edit.dateChanged,
                       self.mask_combo.currentIndexChanged, self.period_group.buttonToggled,
                       self.font_combo.currentIndexChanged,
                       self.cover_check.toggled):  # fmt: skip
            signal.connect(self._choice_changed)
        self.job.cancel_button.clicked.connect(self._user_cancelled)
        self.job.succeeded.connect(self._preview_made)
        self.job.failed.connect(self._preview_not_made)
        self.prev_button.clicked.connect(lambda: self.go_to_page(self.current_page() - 1))
        self.next_button.clicked.connect(lambda: self.go_to_page(self.current_page() + 1))
        self.page_spin.editingFinished.connect(lambda: self.go_to_page(self.page_spin.value() - 1))
        self.view.pageNavigator().currentPageChanged.connect(self._page_changed)
        self.zoom_combo.currentIndexChanged.connect(self._zoom_changed)
        self.jump_combo.activated.connect(lambda row: self.go_to_page(self.jump_combo.itemData(row)))
        self._update_period_fields()
        self._update_state()
        app = QApplication.instance()
        if app is not None:  # a preview still being made must not outlive the event loop
            app.aboutToQuit.connect(self.stop_jobs)

    def _roster_columns_button(self) -> QToolButton:
        """花名册栏目: the optional roster columns (籍贯, 参加工作时间 …), remembered for the branch."""
        from PySide6.QtWidgets import QMenu

        from branchdesk.reports.roster import COLUMN_CHOICES

        button = QToolButton()
        button.setObjectName("rosterColumns")
        button.setText("另加栏目")
        button.setMinimumWidth(96)
        button.setToolTip("选择花名册另外打印的栏目（所有人都空的栏目不打印）；导出 Excel 时也用这些栏目")
        button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        menu = QMenu(button)
        self.roster_column_actions: dict[str, QAction] = {}
        for key, title in COLUMN_CHOICES.items():
            action = menu.addAction(title)
            action.setCheckable(True)
            action.setData(key)
            action.toggled.connect(self._roster_columns_changed)
            self.roster_column_actions[key] = action
        button.setMenu(menu)
        return button

    def _development_layout_changed(self, _index: int) -> None:
        from branchdesk.reports.development import LAYOUT_SETTING

        try:
            self.ctx.ws.settings.set(LAYOUT_SETTING, self.development_layout.currentData())
        except Exception as exc:  # e.g. an account that may not change settings
            prompts.warn(self, "无法保存打印格式", str(exc))
            return
        if "development" in self.model.checked_keys():
            self.request_preview()

    def _load_roster_columns(self) -> None:
        from branchdesk.reports.development import LAYOUT_SETTING
        from branchdesk.reports.roster import chosen_columns

        try:
            chosen = set(chosen_columns(self.ctx.ws))
            layout = self.ctx.ws.settings.get(LAYOUT_SETTING) or "a4"
        except Exception:  # no branch yet
            chosen, layout = set(), "a4"
        self.development_layout.setCurrentIndex(max(self.development_layout.findData(layout), 0))
        for key, action in self.roster_column_actions.items():
            action.blockSignals(True)
            action.setChecked(key in chosen)
            action.blockSignals(False)

    def _roster_columns_changed(self, _checked: bool) -> None:
        from branchdesk.reports.roster import choose_columns

        keys = [k for k, a in self.roster_column_actions.items() if a.isChecked()]
        try:
            choose_columns(self.ctx.ws, keys)
        except Exception as exc:  # e.g. an account that may not change settings
            prompts.warn(self, "无法保存花名册栏目", str(exc))
            self._load_roster_columns()
            return
        if "roster" in self.model.checked_keys():
            self.request_preview()

    def _user_cancelled(self) -> None:
        self._pending = False  # 取消 means no preview at all, not the next one

    def stop_jobs(self) -> None:
        self._pending = False
        self.job.cancel()
        self.job.wait()

    # ---- construction helpers --------------------------------------------------------------------
    def _date_edit(self, value: QDate) -> QDateEdit:
        edit = QDateEdit(value)
        edit.setCalendarPopup(True)
        edit.setDisplayFormat("yyyy-MM-dd")
        return edit

    def _action(self, text, tip, shortcut, slot) -> QAction:
        action = QAction(text, self)
        action.setToolTip(tip)
        action.setStatusTip(tip)
        if shortcut is not None:
            action.setShortcut(shortcut)
        action.triggered.connect(lambda _checked=False: slot())
        # a window-wide shortcut, but only while this page is shown (Qt skips hidden widgets' actions)
        self.addAction(action)
        return action

    def _button(self, action: QAction) -> QToolButton:
        button = QToolButton()
        button.setDefaultAction(action)
        button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        button.setMinimumWidth(80)
        return button

    # ---- the choice ------------------------------------------------------------------------------
    def _restore_choice(self) -> None:
        saved = self.settings.value(_SETTINGS_KEYS)
        keys = [str(k) for k in saved] if isinstance(saved, list) else (
            [str(saved)] if isinstance(saved, str) and saved else DEFAULT_KEYS)  # fmt: skip
        self.model.set_checked(keys)
        mask = self.settings.value(_SETTINGS_MASK)
        index = self.mask_combo.findData(mask) if mask else -1
        self.mask_combo.setCurrentIndex(max(index, 0))
        self.cover_check.setChecked(str(self.settings.value(_SETTINGS_COVER, "false")).lower() == "true")
        self.font_combo.setCurrentIndex(max(self.font_combo.findData(self.settings.value(_SETTINGS_FONT)), 0))

    def _save_choice(self) -> None:
        self.settings.setValue(_SETTINGS_KEYS, self.model.checked_keys())
        self.settings.setValue(_SETTINGS_MASK, self.mask_combo.currentData())
        self.settings.setValue(_SETTINGS_COVER, self.cover_check.isChecked())
        self.settings.setValue(_SETTINGS_FONT, self.font_combo.currentData())

    def set_checked(self, keys: list[str]) -> None:
        self.model.set_checked(keys)

    def set_year(self, year: int) -> None:
        self.year_radio.setChecked(True)
        self.year_spin.setValue(year)

    def set_range(self, start: dt.date, end: dt.date) -> None:
        self.range_radio.setChecked(True)
        self.from_edit.setDate(QDate(start.year, start.month, start.day))
        self.to_edit.setDate(QDate(end.year, end.month, end.day))

    def set_mask(self, mask: str) -> None:
        self.mask_combo.setCurrentIndex(self.mask_combo.findData(mask))

    def period(self) -> Period:
        """The chosen period; ValueError (in Chinese) when the dates are the wrong way round."""
        if self.year_radio.isChecked():
            return Period.year(self.year_spin.value())
        return Period(_to_date(self.from_edit.date()), _to_date(self.to_edit.date()))

    def choice(self) -> Choice:
        return Choice(tuple(self.model.checked_keys()), self.period(), self.mask_combo.currentData(),
                      self.cover_check.isChecked(), self.font_combo.currentData())  # fmt: skip

    def _update_period_fields(self) -> None:
        by_year = self.year_radio.isChecked()
        self.year_spin.setEnabled(by_year)
        self.from_edit.setEnabled(not by_year)
        self.to_edit.setEnabled(not by_year)

    def _choice_changed(self, *_args) -> None:
        self._update_period_fields()
        self._save_choice()
        self._update_state()
        if self.isVisible():
            self._timer.start()

    def _titles(self, keys) -> str:
        titles = [s.title for s in self.specs if s.key in keys]
        return "、".join(titles[:2]) + (f" 等 {len(titles)} 张台账" if len(titles) > 2 else "")

    # ---- preview ---------------------------------------------------------------------------------
    def showEvent(self, event) -> None:
        self._load_roster_columns()
        super().showEvent(event)
        if not self.job.is_running():
            self.request_preview()  # nothing to do when the preview is current

    def refresh_view(self) -> None:
        """视图 › 刷新 (F5) while this page is shown: the preview again, from the data as it is now."""
        self.request_preview(now=True)

    def request_preview(self, now: bool = False) -> None:
        """Start a preview of the current choice (cancelling an older one that is still being made)."""
        self._timer.stop()
        try:
            choice = self.choice()
        except ValueError as exc:
            self._show_hint(str(exc))
            return
        if not choice.keys:
            self._show_hint("请在左侧勾选要预览和打印的台账。")
            return
        if choice == self._shown and not now:
            return
        if self.job.is_running():
            if choice == self._running and not now:
                return
            self._pending = True
            self.job.cancel()
            return
        self._start_preview(choice)

    def _start_preview(self, choice: Choice) -> None:
        from branchdesk.reports.pack import export_ledgers

        self._serial += 1
        path = Path(self._tmp.name) / f"预览-{self._serial}.pdf"
        self._running = choice
        self._pending = False
        title = self._cover_title(choice) if choice.cover else ""
        self.job.start(f"正在生成预览：{self._titles(choice.keys)}…", export_ledgers, self.ctx.ws,
                       list(choice.keys), choice.period, path, fmt="pdf", mask=choice.mask, title=title,
                       toc=choice.cover, font=choice.font)  # fmt: skip
        self._update_state()

    def _cover_title(self, choice: Choice) -> str:
        from branchdesk.reports.pack import cover_title

        return cover_title(choice.period)

    def _preview_made(self, result) -> None:
        choice, self._running = self._running, None
        if self._pending:
            self._discard(Path(result.path))
            self.request_preview(now=True)
            return
        old = self.document_path()
        self.document.load(str(result.path))
        if self.document.status() != QPdfDocument.Status.Ready:
            self._show_hint("预览文件无法打开。")
            self.preview_failed.emit("预览文件无法打开")
            return
        if old is not None and old != Path(result.path):
            self._discard(old)
        self._shown = choice
        self._result_path = Path(result.path)
        self.missing = dict(result.missing)
        self._show_missing(result.warning())
        self.stack.setCurrentWidget(self.view)
        self.page_spin.setRange(1, max(1, self.document.pageCount()))
        self.page_count_label.setText(f"/ 共 {self.document.pageCount()} 页")
        self._apply_zoom()
        self._fill_jumps()
        self.go_to_page(0)
        self._update_state()
        self.preview_ready.emit(self.document.pageCount())

    def _preview_not_made(self, exc: BaseException) -> None:
        from branchdesk.reports.pack import PackCancelled

        self._running = None
        if self._pending:
            self.request_preview(now=True)
            return
        self._update_state()
        if isinstance(exc, PackCancelled) or self.job.was_cancelled:
            self.message.emit("已取消生成预览")
            return
        text = self._error_text(exc)
        if text is None:
            raise exc  # a bug: the application's excepthook reports it
        self._show_hint(f"无法生成预览：{text}")
        self.preview_failed.emit(text)

    def _error_text(self, exc: BaseException) -> str | None:
        from branchdesk.domain.errors import NoBranchError
        from branchdesk.domain.members import ValidationError

        if isinstance(exc, OSError):
            return exc.strerror or str(exc)
        if isinstance(exc, ValidationError | NoBranchError | ValueError | KeyError):
            return str(exc.args[0]) if exc.args else str(exc)
        return None

    def _discard(self, path: Path) -> None:
        with contextlib.suppress(OSError):  # still open (Windows): the temporary folder goes at exit
            path.unlink(missing_ok=True)

    def document_path(self) -> Path | None:
        return getattr(self, "_result_path", None) if self._shown is not None else None

    def preview_is_current(self) -> bool:
        try:
            return self._shown is not None and self._shown == self.choice() and not self.job.is_running()
        except ValueError:
            return False

    def _show_hint(self, text: str) -> None:
        self.hint.setText(text)
        self.stack.setCurrentWidget(self.hint)
        self.summary_label.clear()
        self._update_state()

    def _show_missing(self, text: str) -> None:
        self.warning.setVisible(bool(text))
        self.warning.setText(text)

    def _update_state(self) -> None:
        try:
            has_choice = bool(self.model.checked_keys()) and self.period() is not None
        except ValueError:
            has_choice = False
        for action in (self.action_print, self.action_save_pdf, self.action_save_xlsx, self.action_preview):
            action.setEnabled(has_choice)
        pages = self.document.pageCount() if self._shown is not None else 0
        for widget in (self.prev_button, self.next_button, self.page_spin, self.zoom_combo, self.jump_combo):
            widget.setEnabled(pages > 0)
        if self._shown is not None and self.stack.currentWidget() is self.view:
            stale = "" if self.preview_is_current() or self.job.is_running() else "（选择已改变，按 F5 更新）"
            masked = " · 脱敏" if self._shown.mask != "full" else ""
            text = f"{self._titles(self._shown.keys)} · {self._shown.period.label}{masked}{stale}"
            self.summary_label.setText(text)
            self.summary_label.setToolTip(text)

    # ---- navigation ------------------------------------------------------------------------------
    def current_page(self) -> int:
        return self.view.pageNavigator().currentPage()

    def go_to_page(self, page: int) -> None:
        count = self.document.pageCount()
        if count <= 0:
            return
        page = min(max(page, 0), count - 1)
        self.view.pageNavigator().jump(page, QPointF(), self.view.pageNavigator().currentZoom())
        self._page_changed(page)

    def _page_changed(self, page: int) -> None:
        self.page_spin.blockSignals(True)
        self.page_spin.setValue(page + 1)
        self.page_spin.blockSignals(False)
        self.prev_button.setEnabled(page > 0)
        self.next_button.setEnabled(page < self.document.pageCount() - 1)
        # 跳到 shows the ledger the page belongs to
        row = max(
            (i for i in range(self.jump_combo.count()) if self.jump_combo.itemData(i) <= page), default=0
        )
        if self.jump_combo.count():
            self.jump_combo.setCurrentIndex(row)

    def _fill_jumps(self) -> None:
        """One entry per ledger of the preview (its top-level bookmark), or the first page alone."""
        self.jump_combo.clear()
        role_page = int(QPdfBookmarkModel.Role.Page.value)
        for row in range(self.bookmarks.rowCount()):
            index = self.bookmarks.index(row, 0)
            self.jump_combo.addItem(str(index.data()), int(index.data(role_page)))
        if self.jump_combo.count() == 0 and self.document.pageCount():
            self.jump_combo.addItem(self._titles(self._shown.keys) if self._shown else "第 1 页", 0)

    def _zoom_changed(self, _index: int) -> None:
        self._apply_zoom()

    def _apply_zoom(self) -> None:
        factor = ZOOMS[self.zoom_combo.currentIndex()][1]
        if factor is None:
            self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        elif factor == 0.0:
            self.view.setZoomMode(QPdfView.ZoomMode.FitInView)
        else:
            self.view.setZoomMode(QPdfView.ZoomMode.Custom)
            self.view.setZoomFactor(factor)

    def keyPressEvent(self, event) -> None:
        if event.key() == Qt.Key.Key_PageDown:
            self.go_to_page(self.current_page() + 1)
        elif event.key() == Qt.Key.Key_PageUp:
            self.go_to_page(self.current_page() - 1)
        else:
            super().keyPressEvent(event)

    # ---- making a file for the current choice ---------------------------------------------------
    def _current_pdf(self) -> Path | None:
        """The PDF of the current choice: the preview when it is current, else made now (modal)."""
        if self.preview_is_current():
            return self.document_path()
        choice = self._checked_choice()
        if choice is None:
            return None
        self._timer.stop()
        if self.job.is_running():  # an older preview: stop it, this one replaces it
            self._pending = False
            self.job.cancel()
            self.job.wait()
        self._serial += 1
        path = Path(self._tmp.name) / f"预览-{self._serial}.pdf"
        result = self._run_modal("正在生成 PDF…", choice, path, "pdf")
        if result is None:
            return None
        self._running = choice
        self._preview_made(result)
        return path

    def _checked_choice(self) -> Choice | None:
        try:
            choice = self.choice()
        except ValueError as exc:
            prompts.warn(self, "期间有误", str(exc))
            return None
        if not choice.keys:
            prompts.warn(self, "没有选择台账", "请先在左侧勾选要打印或保存的台账。")
            return None
        return choice

    def _run_modal(self, title: str, choice: Choice, path: Path, fmt: str):
        """export_ledgers behind the modal progress dialog; None when cancelled or refused (told)."""
        from branchdesk.reports.pack import export_ledgers

        pdf = fmt == "pdf"
        # the writer's `title` is bound here: run_with_progress has a `title` of its own
        work = partial(export_ledgers, title=self._cover_title(choice) if choice.cover and pdf else "")
        return self._modal(title, "已取消", lambda text: self._write_failed(path, text), work, self.ctx.ws,
                           list(choice.keys), choice.period, path, fmt=fmt, mask=choice.mask,
                           toc=choice.cover and pdf, font=choice.font)  # fmt: skip

    def _modal(self, title: str, cancelled_text: str, failed, fn, *args, **kwargs):
        """``fn(*args, **kwargs)`` behind the modal progress dialog of ui.worker; None when cancelled
        (said in the status bar) or refused (``failed(reason)`` tells the user)."""
        from branchdesk.reports.pack import PackCancelled
        from branchdesk.ui.worker import run_with_progress

        try:
            return run_with_progress(self, title, fn, *args, **kwargs)
        except PackCancelled:
            self.message.emit(cancelled_text)
            return None
        except Exception as exc:
            text = self._error_text(exc)
            if text is None:
                raise  # a bug: the application's excepthook reports it
            failed(text)
            return None

    def _write_failed(self, path: Path, text: str) -> None:
        prompts.warn(self, "无法生成文件", f"无法写入：{path}\n\n{text}\n\n如果这个文件正在其他程序中打开，"
                     "请先关闭它，或者换一个文件名再试。")  # fmt: skip

    def _default_name(self, choice: Choice, suffix: str) -> Path:
        from branchdesk.reports.pack import safe_file_name

        titles = [s.title for s in self.specs if s.key in choice.keys]
        stem = titles[0] if len(titles) == 1 else "台账"
        return last_folder() / safe_file_name(f"{stem}-{choice.period.label}{suffix}")

    # ---- actions ---------------------------------------------------------------------------------
    def print_document(self) -> None:
        """打印…: the system print dialog, then the pages onto the chosen printer."""
        path = self._current_pdf()
        if path is None:
            return
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setDocName(self._titles(self._shown.keys) if self._shown else "台账")
        dialog = QPrintDialog(printer, self)
        dialog.setWindowTitle("打印台账")
        dialog.setMinMax(1, self.document.pageCount())
        dialog.setOption(QPrintDialog.PrintDialogOption.PrintPageRange, True)
        if dialog.exec() != QPrintDialog.DialogCode.Accepted:
            return
        self.print_to(printer)

    def print_to(self, printer: QPrinter) -> int:
        """Print the current preview onto `printer` (pages chosen on it); the number of pages printed."""
        from branchdesk.ui.widgets.pdf_printing import PrintCancelled, print_pdf

        if self._current_pdf() is None:
            return 0
        total = self.document.pageCount()
        progress = QProgressDialog("正在打印…", "取消", 0, total, self)
        progress.setWindowTitle("打印")
        progress.setWindowModality(Qt.WindowModality.WindowModal)
        progress.setMinimumDuration(500)

        def on_page(done: int, count: int) -> bool:
            progress.setMaximum(count)
            progress.setValue(done)
            progress.setLabelText(f"正在打印第 {done + 1} 页，共 {count} 页…")
            return not progress.wasCanceled()

        try:
            printed = print_pdf(self.document, printer, on_page=on_page)
        except PrintCancelled:
            self.message.emit("已取消打印")
            return 0
        except OSError as exc:
            prompts.warn(self, "无法打印", str(exc))
            return 0
        finally:
            progress.reset()
            progress.deleteLater()
        self.message.emit(f"已送往打印机：{printed} 页")
        if self.missing:
            self._warn_missing()
        return printed

    def save_pdf(self) -> Path | None:
        """另存为 PDF…: the previewed file copied where the user chooses."""
        choice = self._checked_choice()
        if choice is None:
            return None
        chosen = prompts.save_file_name(self, "另存为 PDF", self._default_name(choice, ".pdf"), PDF_FILTER)
        if chosen is None:
            return None
        target = _with_suffix(chosen, ".pdf")
        source = self._current_pdf()
        if source is None:
            return None
        try:
            staged = target.with_name(f".{target.name}.部分")
            shutil.copyfile(source, staged)
            os.replace(staged, target)
        except OSError as exc:
            Path(target.with_name(f".{target.name}.部分")).unlink(missing_ok=True)
            self._write_failed(target, exc.strerror or str(exc))
            return None
        remember_folder(target)
        self._saved(target, f"已保存 PDF（{self.document.pageCount()} 页）：\n{target}")
        return target

    def save_xlsx(self) -> Path | None:
        """另存为 Excel…: the chosen ledgers, one sheet each."""
        choice = self._checked_choice()
        if choice is None:
            return None
        chosen = prompts.save_file_name(
            self, "另存为 Excel", self._default_name(choice, ".xlsx"), XLSX_FILTER
        )
        if chosen is None:
            return None
        target = _with_suffix(chosen, ".xlsx")
        if self._run_modal("正在生成 Excel 工作簿…", choice, target, "xlsx") is None:
            return None
        remember_folder(target)
        prompts.file_saved(self, "保存完成", f"已保存 Excel 工作簿：\n{target}", target)
        return target

    def make_pack(self):
        """生成迎检资料包…: every ledger of the period into a new folder (or zip) in the chosen folder."""
        from branchdesk.reports.pack import build_pack

        try:
            period = self.period()
        except ValueError as exc:
            prompts.warn(self, "期间有误", str(exc))
            return None
        folder = prompts.folder_name(self, "迎检资料包放在哪个文件夹", last_folder())
        if folder is None:
            return None
        result = self._modal(
            "正在生成迎检资料包…",
            "已取消生成迎检资料包，没有留下文件",
            lambda text: prompts.warn(self, "无法生成迎检资料包", f"{text}\n\n没有留下不完整的文件。"),
            build_pack, self.ctx.ws, period, Path(folder), mask=self.mask_combo.currentData(),
            as_zip=self.zip_check.isChecked(), extra=("compliance",) if self.compliance_check.isChecked() else (),
            font=self.font_combo.currentData(),
        )  # fmt: skip
        if result is None:
            return None
        remember_folder(Path(folder) / "迎检资料")
        lines = result.describe()
        self.message.emit(lines[0])
        text = "\n".join(lines)
        if result.missing:
            text += "\n\n" + result.warning()
        prompts.file_saved(self, "迎检资料包已生成", text, result.path)
        return result

    def _saved(self, path: Path, text: str) -> None:
        if self.missing:
            text += "\n\n" + self.warning.text()
        self.message.emit(text.splitlines()[0] + " " + str(path))
        prompts.file_saved(self, "保存完成", text, path)

    def _warn_missing(self) -> None:
        prompts.warn(self, "有字无法打印", self.warning.text())

    def closeEvent(self, event) -> None:
        self.stop_jobs()
        super().closeEvent(event)
