"""党费 (issue 14): 本月收缴 (the whole branch on one screen, this month's amounts prefilled, tick who paid,
one save), 欠交情况 (who owes which months and how much), 党费上缴 (remittances with the difference to
what was collected). Every write is one service call (`ws.dues`); the page reloads from the commit."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from branchdesk.domain.dues import DuesError, format_fen, month_index, month_label, parse_yuan
from branchdesk.ui.changes import ROSTER_TABLES, reload_when_changed
from branchdesk.ui.context import AppContext
from branchdesk.ui.widgets import prompts
from branchdesk.ui.widgets.date_field import DateField

DUES_TABLES = frozenset(
    {"dues_assessment", "dues_payment", "dues_payment_month", "dues_remittance", "dues_exemption"}
)
COLLECT_COLUMNS = ["交纳", "姓名", "党小组", "应交（元）", "实交（元）", "情况"]
ARREARS_COLUMNS = ["姓名", "欠交月份", "月数", "金额（元）", "连续未交", "说明"]
REMIT_COLUMNS = ["上缴日期", "所属月份", "金额（元）", "收据编号", "接收单位", "经手人"]


def _item(text: str, *, editable: bool = False, align_right: bool = False) -> QTableWidgetItem:
    item = QTableWidgetItem(text)
    flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
    if editable:
        flags |= Qt.ItemFlag.ItemIsEditable
    item.setFlags(flags)
    if align_right:
        item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    return item


class DuesPage(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None, *, today: dt.date | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.today = today or dt.date.today()
        self.loaded = False
        self.lines = []  # the 本月收缴 sheet shown
        self.arrears = []  # the arrears shown

        self.year = QSpinBox()
        self.year.setRange(1990, 2100)
        self.year.setValue(self.today.year)
        self.month = QComboBox()
        self.month.addItems([f"{m}月" for m in range(1, 13)])
        self.month.setCurrentIndex(self.today.month - 1)
        self.year.valueChanged.connect(lambda _v: self.reload())
        self.month.currentIndexChanged.connect(lambda _i: self.reload())
        top = QHBoxLayout()
        top.addWidget(QLabel("年度："))
        top.addWidget(self.year)
        top.addWidget(QLabel("月份："))
        top.addWidget(self.month)
        self.assess_button = QPushButton("按标准核定本年度党费")
        self.assess_button.setToolTip("为本年度尚无核定的党员按收入档次预填月缴党费（已有核定的不变）")
        self.assess_button.clicked.connect(self.assess_year)
        top.addWidget(self.assess_button)
        top.addStretch(1)
        self.balance = QLabel()
        top.addWidget(self.balance)

        self.tabs = QTabWidget()
        self.tabs.addTab(self._collect_tab(), "本月收缴")
        self.tabs.addTab(self._arrears_tab(), "欠交情况")
        self.tabs.addTab(self._remit_tab(), "党费上缴")

        layout = QVBoxLayout(self)
        title = QLabel("党费")
        font = title.font()
        font.setPointSizeF(font.pointSizeF() * 1.3)
        font.setBold(True)
        title.setFont(font)
        layout.addWidget(title)
        layout.addLayout(top)
        layout.addWidget(self.tabs, 1)
        reload_when_changed(self, ctx.changes, DUES_TABLES | ROSTER_TABLES)

    # ---- tabs ----------------------------------------------------------------------------------
    def _table(self, columns: list[str]) -> QTableWidget:
        table = QTableWidget(0, len(columns))
        table.setHorizontalHeaderLabels(columns)
        table.verticalHeader().hide()
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        table.horizontalHeader().setStretchLastSection(True)
        return table

    def _collect_tab(self) -> QWidget:
        page = QWidget()
        self.collect_table = self._table(COLLECT_COLUMNS)
        self.collect_table.setObjectName("duesCollectTable")
        self.collector = QLineEdit()
        self.collector.setPlaceholderText("收缴人姓名")
        self.paid_on = DateField()
        self.paid_on.setDate(self.today)
        self.tick_all = QPushButton("全部勾选")
        self.tick_all.clicked.connect(self.check_all)
        self.save_button = QPushButton("保存本月收缴")
        self.save_button.setDefault(True)
        self.save_button.clicked.connect(self.save_collection)
        self.collect_summary = QLabel()
        bar = QHBoxLayout()
        bar.addWidget(QLabel("收缴人："))
        bar.addWidget(self.collector)
        bar.addWidget(QLabel("缴纳日期："))
        bar.addWidget(self.paid_on)
        bar.addStretch(1)
        bar.addWidget(self.collect_summary)
        bar.addWidget(self.tick_all)
        bar.addWidget(self.save_button)
        layout = QVBoxLayout(page)
        hint = QLabel(
            "勾选本月已交纳党费的党员（金额已按年度核定预填，可修改），然后一次保存。已交过的行不能再勾选。"
        )
        hint.setWordWrap(True)
        layout.addWidget(hint)
        layout.addWidget(self.collect_table, 1)
        layout.addLayout(bar)
        return page

    def _arrears_tab(self) -> QWidget:
        page = QWidget()
        self.arrears_table = self._table(ARREARS_COLUMNS)
        self.arrears_table.setObjectName("duesArrearsTable")
        self.arrears_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.arrears_summary = QLabel()
        self.arrears_summary.setWordWrap(True)
        self.exempt_button = QPushButton("登记正当理由…")
        self.exempt_button.setToolTip("经批准减免，或流动党员在流入地交纳：登记后这些月份不计入欠交")
        self.exempt_button.clicked.connect(self.add_exemption)
        bar = QHBoxLayout()
        bar.addStretch(1)
        bar.addWidget(self.exempt_button)
        layout = QVBoxLayout(page)
        layout.addWidget(self.arrears_summary)
        layout.addWidget(self.arrears_table, 1)
        layout.addLayout(bar)
        return page

    def _remit_tab(self) -> QWidget:
        page = QWidget()
        self.remit_table = self._table(REMIT_COLUMNS)
        self.remit_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.remit_date = DateField()
        self.remit_date.setDate(self.today)
        self.remit_amount = QLineEdit()
        self.remit_amount.setPlaceholderText("如 1200.00")
        self.remit_from = QComboBox()
        self.remit_to = QComboBox()
        for combo in (self.remit_from, self.remit_to):
            combo.addItems([f"{m}月" for m in range(1, 13)])
        self.remit_receipt = QLineEdit()
        self.remit_recipient = QLineEdit()
        self.remit_button = QPushButton("登记上缴")
        self.remit_button.clicked.connect(self.save_remittance)
        form = QFormLayout()
        form.addRow("上缴日期：", self.remit_date)
        form.addRow("金额（元）：", self.remit_amount)
        months = QHBoxLayout()
        months.addWidget(self.remit_from)
        months.addWidget(QLabel("至"))
        months.addWidget(self.remit_to)
        months.addStretch(1)
        form.addRow("所属月份：", months)
        form.addRow("收据编号：", self.remit_receipt)
        form.addRow("接收单位：", self.remit_recipient)
        form.addRow("", self.remit_button)
        layout = QVBoxLayout(page)
        layout.addWidget(self.remit_table, 1)
        layout.addLayout(form)
        return page

    # ---- reading -------------------------------------------------------------------------------
    @property
    def current_month(self) -> int:
        return month_index((self.year.value(), self.month.currentIndex() + 1))

    def showEvent(self, event) -> None:
        if not self.loaded:
            self.reload()
        super().showEvent(event)

    def reload(self) -> None:
        self.loaded = True
        dues = self.ctx.ws.dues
        self._fill_collection(dues.collection_sheet(self.current_month))
        self._fill_arrears(dues.arrears(self.today))
        self._fill_remittances(dues.remittances(self.year.value()))
        collected, remitted, diff = dues.balance(self.year.value())
        self.balance.setText(
            f"{self.year.value()}年收缴 {format_fen(collected)} 元，已上缴 {format_fen(remitted)} 元，"
            f"相差 {format_fen(diff)} 元"
        )

    def _fill_collection(self, lines) -> None:
        self.lines = list(lines)
        table = self.collect_table
        table.setRowCount(len(self.lines))
        for row, line in enumerate(self.lines):
            tick = _item("")
            done = line.paid or bool(line.exempt)
            tick.setFlags(Qt.ItemFlag.ItemIsSelectable | (Qt.ItemFlag.NoItemFlags if done else
                          Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsUserCheckable))  # fmt: skip
            tick.setCheckState(Qt.CheckState.Checked if line.paid else Qt.CheckState.Unchecked)
            table.setItem(row, 0, tick)
            table.setItem(row, 1, _item(line.name))
            table.setItem(row, 2, _item(line.group))
            table.setItem(row, 3, _item(format_fen(line.amount_fen), align_right=True))
            table.setItem(row, 4, _item(format_fen(line.amount_fen), editable=not done, align_right=True))
            state = "已交" if line.paid else (line.exempt or "未交")
            if line.note:
                state += f"（{line.note}）"
            table.setItem(row, 5, _item(state))
        paid = sum(1 for line in self.lines if line.paid)
        self.collect_summary.setText(
            f"{month_label(self.current_month)}：应交 {len(self.lines)} 人，已交 {paid} 人"
        )

    def _fill_arrears(self, arrears) -> None:
        self.arrears = list(arrears)
        table = self.arrears_table
        table.setRowCount(len(arrears))
        for row, a in enumerate(arrears):
            note = ""
            if a.run >= 6:
                note = "连续6个月以上未交：应按自行脱党处理，或登记正当理由"
            elif a.run >= 3:
                note = "连续3个月以上未交：请提醒交纳"
            values = [
                a.name,
                a.months_text,
                str(len(a.unpaid)),
                format_fen(a.amount_fen),
                f"{a.run}个月",
                note,
            ]
            for col, text in enumerate(values):
                table.setItem(row, col, _item(text, align_right=col == 3))
        total = sum(a.amount_fen for a in arrears)
        self.arrears_summary.setText(
            f"截至{self.today.year}年{self.today.month}月{self.today.day}日（当月党费当月可交，计至上月）："
            f"{len(arrears)} 人有欠交，共 {format_fen(total)} 元。"
            if arrears
            else "没有欠交党费的党员。"
        )

    def _fill_remittances(self, remittances) -> None:
        table = self.remit_table
        table.setRowCount(len(remittances))
        for row, r in enumerate(remittances):
            values = [r.remitted_on.isoformat(), r.months_text, format_fen(r.amount_fen), r.receipt_no, r.recipient,
                      r.handled_by]  # fmt: skip
            for col, text in enumerate(values):
                table.setItem(row, col, _item(text, align_right=col == 2))

    # ---- actions -------------------------------------------------------------------------------
    def check_all(self) -> None:
        for row in range(self.collect_table.rowCount()):
            item = self.collect_table.item(row, 0)
            if item.flags() & Qt.ItemFlag.ItemIsUserCheckable:
                item.setCheckState(Qt.CheckState.Checked)

    def ticked(self) -> list[tuple[int, int]]:
        """(member id, amount fen) of the rows ticked now (not those paid before); DuesError names a bad amount."""
        out = []
        for row, line in enumerate(self.lines):
            item = self.collect_table.item(row, 0)
            if line.paid or line.exempt or item.checkState() != Qt.CheckState.Checked:
                continue
            text = self.collect_table.item(row, 4).text()
            try:
                out.append((line.member_id, parse_yuan(text, what=f"{line.name}的实交金额")))
            except DuesError as exc:
                raise DuesError(str(exc)) from None
        return out

    def save_collection(self) -> bool:
        """本月收缴: one save of every ticked member (one transaction)."""
        try:
            paid = self.ticked()
            if not paid:
                prompts.inform(self, "本月收缴", "没有勾选新交纳党费的党员。")
                return False
            paid_on = self.paid_on.date()
            if paid_on is None:
                raise DuesError(self.paid_on.error() or "请填写缴纳日期")
            self.ctx.ws.dues.collect_month(self.current_month, paid, paid_on=paid_on,
                                           collector=self.collector.text().strip())  # fmt: skip
        except (DuesError, ValueError) as exc:
            prompts.warn(self, "本月收缴", str(exc))
            return False
        if not self.loaded:
            self.reload()
        return True

    def assess_year(self) -> int:
        year = self.year.value()
        try:
            written = self.ctx.ws.dues.assess_year(year)
        except (DuesError, ValueError) as exc:
            prompts.warn(self, "年度核定", str(exc))
            return 0
        prompts.inform(self, "年度核定", f"已为 {written} 名党员按标准核定{year}年度月缴党费。" if written
                       else f"{year}年度的党员都已有核定，未作改动。")  # fmt: skip
        return written

    def add_exemption(self, *, values: dict | None = None) -> bool:
        """A reason for the selected member's unpaid months (经批准减免 / 在外地交纳): they stop counting.
        ``values`` (tests): kind, reason, approved_by instead of asking."""
        from branchdesk.services.dues import ExemptionInput

        row = self.arrears_table.currentRow()
        if row < 0 or row >= len(self.arrears):
            prompts.inform(self, "登记正当理由", "请先在列表中选择一名党员。")
            return False
        a = self.arrears[row]
        if values is None:
            values = ExemptionDialog.ask(self, a.name)
            if values is None:
                return False
        start = a.run_since if a.run_since is not None else a.unpaid[0]
        try:
            self.ctx.ws.dues.add_exemption(
                ExemptionInput(a.member_id, values["kind"], start, None, values["reason"],
                               values.get("approved_by", ""), self.today)
            )  # fmt: skip
        except (DuesError, ValueError) as exc:
            prompts.warn(self, "登记正当理由", str(exc))
            return False
        return True

    def save_remittance(self) -> bool:
        from branchdesk.services.dues import RemittanceInput

        year = self.year.value()
        try:
            on = self.remit_date.date()
            if on is None:
                raise DuesError("请填写上缴日期")
            amount = parse_yuan(self.remit_amount.text(), what="上缴金额")
            self.ctx.ws.dues.record_remittance(
                RemittanceInput(on, amount, month_index((year, self.remit_from.currentIndex() + 1)),
                                month_index((year, self.remit_to.currentIndex() + 1)),
                                self.remit_receipt.text(), self.remit_recipient.text())
            )  # fmt: skip
        except (DuesError, ValueError) as exc:
            prompts.warn(self, "党费上缴", str(exc))
            return False
        self.remit_amount.clear()
        self.remit_receipt.clear()
        return True


class ExemptionDialog:
    """Asks the kind, the reason and who approved (a small form)."""

    @staticmethod
    def ask(parent: QWidget, name: str) -> dict | None:
        from PySide6.QtWidgets import QDialog, QDialogButtonBox

        from branchdesk.domain.dues import ExemptionKind

        dialog = QDialog(parent)
        dialog.setWindowTitle(f"登记正当理由：{name}")
        kind = QComboBox()
        for k in ExemptionKind:
            kind.addItem(k.label, k.value)
        reason = QLineEdit()
        reason.setPlaceholderText("如：持《流动党员活动证》在流入地党组织交纳")
        approved = QLineEdit()
        approved.setPlaceholderText("批准的组织或人")
        form = QFormLayout(dialog)
        form.addRow("情形：", kind)
        form.addRow("原因：", reason)
        form.addRow("批准：", approved)
        buttons = QDialogButtonBox()
        buttons.addButton("登记", QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton("取消", QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(dialog.accept)
        buttons.rejected.connect(dialog.reject)
        form.addRow(buttons)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        return {"kind": kind.currentData(), "reason": reason.text(), "approved_by": approved.text()}
