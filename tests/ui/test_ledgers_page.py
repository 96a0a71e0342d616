"""台账打印: choosing ledgers and a period, the preview, printing, saving, the pack, cancelling."""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader
from PySide6.QtCore import Qt
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from branchdesk.reports.pack import export_ledgers
from branchdesk.reports.registry import Period, ledger_specs
from branchdesk.ui.models.ledger_choice import KEY_ROLE, LedgerChoiceModel
from branchdesk.ui.pages import ledgers as ledgers_page
from branchdesk.ui.pages.ledgers import LedgersPage
from branchdesk.ui.widgets import prompts
from tests.reports.test_pack import no_fallback_fonts  # noqa: F401  (a fixture)

YEAR = 2026


@pytest.fixture
def page(qtbot, ctx, roster):
    widget = LedgersPage(ctx)
    qtbot.addWidget(widget)
    widget.resize(1200, 800)
    return widget


@pytest.fixture
def told(monkeypatch):
    """Messages the page shows (file saved, warnings) instead of modal boxes."""
    seen: list[tuple[str, str]] = []
    monkeypatch.setattr(prompts, "file_saved", lambda parent, title, text, path: seen.append((title, text)))
    monkeypatch.setattr(prompts, "warn", lambda parent, title, text: seen.append((title, text)))
    return seen


def choose(page: LedgersPage, keys: list[str], year: int = YEAR) -> None:
    page.set_checked(keys)
    page.set_year(year)


def preview(qtbot, page: LedgersPage) -> int:
    with qtbot.waitSignal(page.preview_ready, timeout=30_000) as blocker:
        page.request_preview(now=True)
    return blocker.args[0]


def pages_of(path: Path) -> list[tuple[float, float]]:
    return [(float(p.mediabox.width), float(p.mediabox.height)) for p in PdfReader(path).pages]


def test_the_ledger_list_is_grouped_and_passes_the_model_tester(qtmodeltester, qapp):
    model = LedgerChoiceModel(ledger_specs())
    qtmodeltester.check(model)
    groups = [model.index(row, 0).data() for row in range(model.rowCount())]
    assert groups == list(dict.fromkeys(s.group for s in ledger_specs()))
    first_group = model.index(0, 0)
    keys = [model.index(r, 0, first_group).data(KEY_ROLE) for r in range(model.rowCount(first_group))]
    assert keys == [s.key for s in ledger_specs() if s.group == groups[0]]

    # checking a group checks its ledgers; one ledger checked leaves the group partly checked
    model.setData(first_group, Qt.CheckState.Checked.value, Qt.ItemDataRole.CheckStateRole)
    assert model.checked_keys() == keys
    if len(keys) > 1:
        model.setData(
            model.index(0, 0, first_group), Qt.CheckState.Unchecked.value, Qt.ItemDataRole.CheckStateRole
        )
        assert first_group.data(Qt.ItemDataRole.CheckStateRole) == Qt.CheckState.PartiallyChecked
    model.set_checked(["meetings", "roster", "no-such-ledger"])
    assert model.checked_keys() == [s.key for s in ledger_specs() if s.key in ("roster", "meetings")]
    qtmodeltester.check(model)


def test_two_ledgers_and_a_year_preview_as_one_document_with_the_right_pages(qtbot, page, ctx, tmp_path):
    choose(page, ["roster", "development"])
    pages = preview(qtbot, page)

    expected = export_ledgers(ctx.ws, ["roster", "development"], Period.year(YEAR), tmp_path / "same.pdf")
    assert pages == expected.pages == page.document.pageCount() > 1
    assert page.document.status() == QPdfDocument.Status.Ready
    assert page.page_count_label.text() == f"/ 共 {pages} 页"
    assert "党员花名册" in page.summary_label.text() and f"{YEAR}年度" in page.summary_label.text()
    assert page.preview_is_current() and not page.warning.isVisible()

    page.go_to_page(1)
    assert page.current_page() == 1 and page.page_spin.value() == 2
    # 跳到 lists the ledgers of the preview and goes to the first page of one
    jumps = [page.jump_combo.itemText(i) for i in range(page.jump_combo.count())]
    assert jumps == ["党员花名册", "发展党员工作台账"]
    page.jump_combo.activated.emit(1)
    assert page.current_page() == page.jump_combo.itemData(1) > 0
    assert page.page_spin.value() == page.current_page() + 1
    page.go_to_page(0)
    assert page.jump_combo.currentIndex() == 0
    page.go_to_page(pages - 1)  # a later page of the development ledger: 跳到 names it
    assert page.jump_combo.currentIndex() == 1
    page.zoom_combo.setCurrentIndex(4)  # 100%
    assert page.view.zoomMode() == page.view.ZoomMode.Custom and page.view.zoomFactor() == 1.0

    # another choice makes the preview stale until it is made again
    page.set_checked(["roster"])
    assert not page.preview_is_current()
    assert preview(qtbot, page) < pages


def test_save_as_pdf_and_excel_write_the_chosen_ledgers(qtbot, page, told, tmp_path, monkeypatch):
    choose(page, ["roster", "development"])
    shown = preview(qtbot, page)
    monkeypatch.setattr(prompts, "save_file_name", lambda parent, title, default, filt: tmp_path / "台账")

    saved = page.save_pdf()
    assert saved == tmp_path / "台账.pdf" and len(pages_of(saved)) == shown
    assert told[-1][0] == "保存完成" and str(saved) in told[-1][1]

    workbook_path = page.save_xlsx()
    assert workbook_path == tmp_path / "台账.xlsx"
    workbook = load_workbook(workbook_path, read_only=True)
    assert workbook.sheetnames[:2] == ["党员花名册", "发展党员工作台账"]
    cells = {v for row in workbook["党员花名册"].iter_rows(values_only=True) for v in row if v}
    assert {"张三", "欧阳修"} <= cells
    assert sorted(p.name for p in tmp_path.iterdir() if p.suffix in (".pdf", ".xlsx")) == [
        "台账.pdf",
        "台账.xlsx",
    ]

    # the folder is remembered for next time
    from branchdesk.ui.dialogs.export import last_folder

    assert last_folder() == tmp_path


def test_save_as_pdf_without_a_preview_makes_the_file_first(qtbot, page, told, tmp_path, monkeypatch):
    choose(page, ["development"])
    page.set_mask("public")
    monkeypatch.setattr(prompts, "save_file_name", lambda parent, title, default, filt: tmp_path / "发展.pdf")
    saved = page.save_pdf()
    assert saved is not None and saved.exists()
    assert len(pages_of(saved)) == page.document.pageCount() >= 1
    assert page.preview_is_current()


def test_printing_to_a_pdf_printer_gives_the_same_pages_in_their_orientation(qtbot, page, tmp_path):
    choose(page, ["roster", "development"])
    page.cover_check.setChecked(True)  # a portrait title page and contents before landscape ledgers
    shown = preview(qtbot, page)
    source = [page.document.pagePointSize(i) for i in range(shown)]

    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "打印.pdf"))
    assert page.print_to(printer) == shown

    printed = pages_of(tmp_path / "打印.pdf")
    assert len(printed) == shown
    for (width, height), size in zip(printed, source, strict=True):
        assert (width > height) == (size.width() > size.height())
        assert sorted((round(width), round(height))) == [595, 842]  # A4
    assert printed[0][0] < printed[0][1] and printed[-1][0] > printed[-1][1]


def test_print_dialog_then_printer_and_ctrl_p(qtbot, page, tmp_path, monkeypatch):
    opened = []

    class FakePrintDialog:
        PrintDialogOption = ledgers_page.QPrintDialog.PrintDialogOption
        DialogCode = ledgers_page.QPrintDialog.DialogCode

        def __init__(self, printer, parent):
            self.printer = printer
            printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
            printer.setOutputFileName(str(tmp_path / "对话框.pdf"))

        def setWindowTitle(self, text):
            pass

        def setMinMax(self, low, high):
            opened.append((low, high))

        def setOption(self, option, on=True):
            pass

        def exec(self):
            self.printer.setFromTo(2, 2)  # the user asked for page 2 only
            return self.DialogCode.Accepted

    monkeypatch.setattr(ledgers_page, "QPrintDialog", FakePrintDialog)
    choose(page, ["roster", "development"])
    shown = preview(qtbot, page)
    page.show()
    qtbot.waitExposed(page)
    QTest.keyClick(page.windowHandle(), Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)
    assert opened == [(1, shown)]
    assert len(pages_of(tmp_path / "对话框.pdf")) == 1


def test_ctrl_shift_s_saves_as_pdf(qtbot, page, told, tmp_path, monkeypatch):
    asked = []

    def save_name(parent, title, default, filt):
        asked.append((title, default.name))
        return tmp_path / "快捷键.pdf"

    monkeypatch.setattr(prompts, "save_file_name", save_name)
    choose(page, ["roster"])
    page.show()
    qtbot.waitExposed(page)
    keys = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    QTest.keyClick(page.windowHandle(), Qt.Key.Key_S, keys)
    assert asked == [("另存为 PDF", f"党员花名册-{YEAR}年度.pdf")]
    assert (tmp_path / "快捷键.pdf").exists()


@pytest.fixture
def slow_builders(monkeypatch):
    """Ledgers that take a while to gather (long enough to press 取消)."""
    import branchdesk.reports.pack as pack

    real = pack.build

    def slow(*args, **kwargs):
        time.sleep(0.6)
        return real(*args, **kwargs)

    monkeypatch.setattr(pack, "build", slow)


def test_cancelling_the_preview_leaves_no_file_and_keeps_the_window_usable(qtbot, page, slow_builders):
    choose(page, ["roster", "development"])
    page.show()  # the preview starts by itself when the page is shown
    assert page.job.isVisible() and page.job.is_running()
    # the window is not blocked while the preview is made: no modal dialog, the choice stays editable
    assert QApplication.activeModalWidget() is None
    assert page.tree.isEnabled() and page.year_spin.isEnabled()
    qtbot.mouseClick(page.job.cancel_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not page.job.is_running(), timeout=10_000)
    assert list(Path(page._tmp.name).iterdir()) == []
    assert page.document.pageCount() == 0 and not page.job.isVisible()


def test_cancelling_a_save_leaves_no_file(qtbot, page, told, tmp_path, monkeypatch, slow_builders):
    from tests.ui.test_worker import _when_dialog

    choose(page, ["roster", "development"])
    monkeypatch.setattr(
        prompts, "save_file_name", lambda parent, title, default, filt: tmp_path / "取消.xlsx"
    )
    _when_dialog(lambda dialog: dialog.request_cancel())
    assert page.save_xlsx() is None
    assert (
        list(tmp_path.glob("*.xlsx")) == []
        and [p for p in tmp_path.iterdir() if p.name.startswith(".")] == []
    )


def test_the_pack_goes_into_the_chosen_folder(qtbot, page, told, tmp_path, monkeypatch):
    monkeypatch.setattr(ledgers_page.QFileDialog, "getExistingDirectory", lambda *a, **k: str(tmp_path))
    page.set_year(YEAR)
    page.zip_check.setChecked(True)
    result = page.make_pack()
    assert result.path.parent == tmp_path and result.path.suffix == ".zip" and result.path.exists()
    assert told[-1][0] == "迎检资料包已生成" and str(result.path) in told[-1][1]


@pytest.mark.usefixtures("no_fallback_fonts")
def test_a_name_the_font_lacks_is_named_above_the_preview(qtbot, page, ctx, told, tmp_path, monkeypatch):
    from branchdesk.domain.members import MemberFields

    ctx.members.create(MemberFields(name="刘䶮", join_date=dt.date(2001, 7, 1)))
    choose(page, ["roster"])
    preview(qtbot, page)
    assert not page.warning.isHidden()
    assert "刘䶮" in page.warning.text() and "“䶮”" in page.warning.text()
    monkeypatch.setattr(
        prompts, "save_file_name", lambda parent, title, default, filt: tmp_path / "花名册.pdf"
    )
    page.save_pdf()
    assert "刘䶮" in told[-1][1]


def test_a_period_the_wrong_way_round_is_explained(qtbot, page):
    page.set_checked(["roster"])
    page.set_range(dt.date(2026, 6, 30), dt.date(2026, 1, 1))
    page.request_preview(now=True)
    assert page.stack.currentWidget() is page.hint and "早于开始日期" in page.hint.text()
    assert not page.action_print.isEnabled()


def test_the_main_window_opens_the_page_and_ctrl_p_prints_only_there(qtbot, ctx, roster, monkeypatch):
    from branchdesk.ui.main_window import MainWindow

    dialogs = []

    class RefusedPrintDialog(ledgers_page.QPrintDialog):
        def exec(self):
            dialogs.append(self)
            return self.DialogCode.Rejected

    monkeypatch.setattr(ledgers_page, "QPrintDialog", RefusedPrintDialog)
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.show_area("ledgers")
    page = window.page("ledgers")
    assert isinstance(page, LedgersPage)
    window.nav.setFocus()  # the user just clicked 台账打印 in the navigation
    QTest.keyClick(window.windowHandle(), Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)
    assert len(dialogs) == 1

    window.show_area("members")
    QTest.keyClick(window.windowHandle(), Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)
    assert len(dialogs) == 1
    page.stop_jobs()


def test_a_newer_choice_replaces_a_preview_still_being_made(qtbot, page, slow_builders):
    choose(page, ["roster"])
    page.show()  # the preview of 2026 starts
    assert page.job.is_running()
    with qtbot.waitSignal(page.preview_ready, timeout=30_000):
        page.set_year(YEAR - 1)  # changed before that preview is done: it is cancelled, the new one shown
        page.set_mask("public")
    assert page.preview_is_current()
    assert f"{YEAR - 1}年度" in page.summary_label.text() and "脱敏" in page.summary_label.text()
    assert [p.name for p in Path(page._tmp.name).iterdir()] == [page.document_path().name]


def test_select_all_and_none(qtbot, page):
    page.all_button.click()
    assert page.model.checked_keys() == [s.key for s in ledger_specs()]
    page.none_button.click()
    assert page.model.checked_keys() == []
    page.request_preview(now=True)
    assert page.stack.currentWidget() is page.hint and "勾选" in page.hint.text()
    assert not page.action_save_pdf.isEnabled() and not page.action_print.isEnabled()


def test_a_pack_that_cannot_be_written_is_explained_and_leaves_nothing(
    qtbot, page, told, tmp_path, monkeypatch
):
    (tmp_path / "迎检").mkdir()
    blocked = tmp_path / "迎检" / "不是文件夹"
    blocked.write_text("")
    monkeypatch.setattr(ledgers_page.QFileDialog, "getExistingDirectory", lambda *a, **k: str(blocked))
    assert page.make_pack() is None
    assert told[-1][0] == "无法生成迎检资料包" and "没有留下不完整的文件" in told[-1][1]
    assert [p.name for p in (tmp_path / "迎检").iterdir()] == ["不是文件夹"]
