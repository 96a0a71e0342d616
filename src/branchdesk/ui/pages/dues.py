"""党费 (issue 14): 本月收缴 (the whole branch on one screen, this month's amounts prefilled, tick who paid,
one save), 欠交情况 (who owes which months and how much), 党费上缴 (remittances with the difference to
what was collected). Every write is one service call (`ws.dues`); the page reloads from the commit."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMenu,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from branchdesk.domain.dues import (
    DuesCategory,
    DuesError,
    dues_amount,
    format_fen,
    month_index,
    month_label,
    parse_yuan,
)
from branchdesk.ui.changes import ROSTER_TABLES, reload_when_changed
from branchdesk.ui.context import AppContext
from branchdesk.ui.widgets import prompts
from branchdesk.ui.widgets.date_field import DateField
from branchdesk.ui.widgets.dialog_parts import save_cancel_buttons

DUES_TABLES = frozenset(
    {"dues_assessment", "dues_payment", "dues_payment_month", "dues_remittance", "dues_exemption"}
)
COLLECT_COLUMNS = ["交纳", "姓名", "党小组", "应交（元）", "实交（元）", "情况"]
ARREARS_COLUMNS = ["姓名", "欠交月份", "月数", "金额（元）", "连续未交", "说明"]
REMIT_COLUMNS = ["上缴日期", "所属月份", "金额（元）", "收据编号", "接收单位", "经手人"]
PAYMENT_COLUMNS = ["缴纳日期", "姓名", "所属月份", "金额（元）", "收缴人", "备注"]


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
        self.payments = []  # the year's payments shown (缴纳记录)

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
        self.tabs.addTab(self._payments_tab(), "缴纳记录")

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
        self.collect_table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.collect_table.customContextMenuRequested.connect(self._collect_menu)
        self.edit_assessment_button = QPushButton("修改核定…")
        self.edit_assessment_button.setToolTip(
            "修改所选党员本年度的月缴党费（人员类别、计缴基数，或另定金额并写明原因）"
        )
        self.edit_assessment_button.clicked.connect(lambda: self.edit_assessment())
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
        bar.addWidget(self.edit_assessment_button)
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

    def _payments_tab(self) -> QWidget:
        page = QWidget()
        self.payment_table = self._table(PAYMENT_COLUMNS)
        self.payment_table.setObjectName("duesPaymentTable")
        self.payment_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.payment_table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.payment_table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.payment_table.customContextMenuRequested.connect(self._payment_menu)
        self.payment_table.installEventFilter(self)  # the Delete key deletes the selected payment
        self.payment_summary = QLabel()
        self.delete_payment_button = QPushButton("删除缴纳记录…")
        self.delete_payment_button.setToolTip("删除一笔登记错误的缴纳记录（Delete 键），删除前会再次确认")
        self.delete_payment_button.clicked.connect(lambda: self.delete_payment())
        bar = QHBoxLayout()
        bar.addWidget(self.payment_summary)
        bar.addStretch(1)
        bar.addWidget(self.delete_payment_button)
        layout = QVBoxLayout(page)
        layout.addWidget(self.payment_table, 1)
        layout.addLayout(bar)
        return page

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            watched is self.payment_table
            and event.type() == QEvent.Type.KeyPress
            and event.key() == Qt.Key.Key_Delete
        ):
            self.delete_payment()
            return True
        return super().eventFilter(watched, event)

    def _collect_menu(self, pos) -> None:
        row = self.collect_table.rowAt(pos.y())
        if not 0 <= row < len(self.lines):
            return
        self.collect_table.selectRow(row)
        line = self.lines[row]
        menu = QMenu(self)
        menu.addAction(f"修改{line.name}的年度核定…", lambda: self.edit_assessment())
        payment = self._payment_of(line.member_id, self.current_month) if line.paid else None
        delete = menu.addAction("删除该笔缴纳记录…", lambda: self.delete_payment(payment))
        delete.setEnabled(payment is not None)
        menu.exec(self.collect_table.viewport().mapToGlobal(pos))

    def _payment_menu(self, pos) -> None:
        row = self.payment_table.rowAt(pos.y())
        if not 0 <= row < len(self.payments):
            return
        self.payment_table.selectRow(row)
        menu = QMenu(self)
        menu.addAction("删除缴纳记录…", lambda: self.delete_payment())
        menu.exec(self.payment_table.viewport().mapToGlobal(pos))

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
        self._fill_payments(dues.payments(year=self.year.value()))
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

    def _fill_payments(self, payments) -> None:
        self.payments = sorted(payments, key=lambda p: (p.paid_on, p.id), reverse=True)
        table = self.payment_table
        table.setRowCount(len(self.payments))
        for row, p in enumerate(self.payments):
            values = [p.paid_on.isoformat(), p.member_name, p.months_text, format_fen(p.amount_fen), p.collector,
                      "由“党费交至”换算" if p.converted else p.notes]  # fmt: skip
            for col, text in enumerate(values):
                table.setItem(row, col, _item(text, align_right=col == 3))
        total = sum(p.amount_fen for p in self.payments)
        self.payment_summary.setText(
            f"{self.year.value()}年共 {len(self.payments)} 笔，{format_fen(total)} 元"
        )
        self.delete_payment_button.setEnabled(bool(self.payments))

    def _payment_of(self, member_id: int, month: int):
        return next((p for p in self.ctx.ws.dues.payments(member_id=member_id) if month in p.months), None)

    # ---- actions -------------------------------------------------------------------------------
    def edit_assessment(self, *, values: dict | None = None) -> bool:
        """修改核定: the selected member's assessment of the year (category, basis, or another amount with
        its reason), in force from a month. ``values`` (tests): the dialog's answers instead of asking."""
        from branchdesk.services.dues import AssessmentInput

        row = self.collect_table.currentRow()
        if not 0 <= row < len(self.lines):
            prompts.inform(self, "修改核定", "请先在本月收缴的列表中选择一名党员。")
            return False
        line, year = self.lines[row], self.year.value()
        dues = self.ctx.ws.dues
        current = [a for a in dues.member_assessments(line.member_id) if a.year <= year]
        in_force = [a for a in current if a.year < year or a.from_month <= self.month.currentIndex() + 1]
        shown = (in_force or current or [None])[-1]

        def save(v: dict) -> None:
            dues.save_assessment(
                AssessmentInput(line.member_id, year, v["category"], v.get("basis_fen"), v.get("amount_fen"),
                                v.get("reason", ""), v.get("from_month", 1), self.today)
            )  # fmt: skip

        if values is not None:
            try:
                save(values)
            except (DuesError, ValueError) as exc:
                prompts.warn(self, "修改核定", str(exc))
                return False
            return True
        from_month = shown.from_month if shown is not None and shown.year == year else 1
        dialog = AssessmentDialog(self, line.name, year, shown, from_month, save)
        return dialog.exec() == QDialog.DialogCode.Accepted

    def delete_payment(self, payment=None) -> bool:
        """Delete a wrongly entered payment (the selected row of 缴纳记录, or ``payment``) after a
        confirmation naming the member, the months and the amount: one transaction, one audit entry."""
        if payment is None:
            row = self.payment_table.currentRow()
            if not 0 <= row < len(self.payments):
                prompts.inform(self, "删除缴纳记录", "请先在缴纳记录中选择一笔。")
                return False
            payment = self.payments[row]
        text = (f"确定删除这笔党费缴纳记录吗？\n\n党员：{payment.member_name}\n所属月份：{payment.months_text}\n"
                f"金额：{format_fen(payment.amount_fen)} 元（{payment.paid_on.isoformat()}缴纳）\n\n"
                "删除后这些月份重新计为未交；删除记入操作日志。")  # fmt: skip
        if not prompts.ask(self, "删除缴纳记录", text, yes="删除", danger=True):
            return False
        try:
            self.ctx.ws.dues.delete_payment(payment.id)
        except (DuesError, ValueError) as exc:
            prompts.warn(self, "删除缴纳记录", str(exc))
            return False
        return True

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
        from PySide6.QtWidgets import QDialog

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
        form.addRow(save_cancel_buttons(dialog, dialog.accept, save_text="登记")[0])
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        return {"kind": kind.currentData(), "reason": reason.text(), "approved_by": approved.text()}


class AssessmentDialog(QDialog):
    """修改核定 of one member for a year: 人员类别, 计缴基数, the amount by the standard shown as typed,
    another amount only with its reason. ``save(values)`` writes; a DuesError keeps the dialog open."""

    def __init__(self, parent: QWidget | None, name: str, year: int, current, from_month: int, save):
        super().__init__(parent)
        self._save = save
        self.setWindowTitle(f"修改核定：{name}（{year}年）")
        self.category = QComboBox()
        for c in DuesCategory:
            self.category.addItem(c.label, c.value)
        self.basis = QLineEdit()
        self.basis.setPlaceholderText("每月工资或退休金，如 8500.00")
        self.standard = QLabel()
        self.amount = QLineEdit()
        self.amount.setPlaceholderText("不填：按标准")
        self.reason = QLineEdit()
        self.reason.setPlaceholderText("另定金额时必填，如：本人自愿多交")
        self.from_month = QComboBox()
        self.from_month.addItems([f"{m}月" for m in range(1, 13)])
        self.from_month.setCurrentIndex(from_month - 1)
        if current is not None:
            self.category.setCurrentIndex(max(0, self.category.findData(current.category)))
            self.basis.setText(format_fen(current.basis_fen))
            if current.amount_fen != current.computed_fen:
                self.amount.setText(format_fen(current.amount_fen))
                self.reason.setText(current.override_reason)
        form = QFormLayout(self)
        form.addRow("人员类别：", self.category)
        form.addRow("计缴基数（元）：", self.basis)
        form.addRow("按标准每月：", self.standard)
        form.addRow("实定每月（元）：", self.amount)
        form.addRow("调整原因：", self.reason)
        form.addRow("起始月份：", self.from_month)
        note = QLabel("同一起始月份已有的核定将被替换；年中变更请选择新的起始月份。")
        note.setWordWrap(True)
        form.addRow(note)
        form.addRow(save_cancel_buttons(self, self.accept, save_text="保存")[0])
        self.category.currentIndexChanged.connect(lambda _i: self._show_standard())
        self.basis.textChanged.connect(lambda _t: self._show_standard())
        self.amount.textChanged.connect(lambda _t: self._show_standard())
        self._show_standard()
        self.resize(max(self.sizeHint().width(), 420), self.sizeHint().height())

    def _show_standard(self) -> None:
        category = DuesCategory(self.category.currentData())
        self.basis.setEnabled(category.has_basis)
        try:
            basis = parse_yuan(self.basis.text(), what="计缴基数") if category.has_basis else None
            farmer = (
                parse_yuan(self.amount.text())
                if category is DuesCategory.FARMER and self.amount.text()
                else None
            )
            self.standard.setText(f"{format_fen(dues_amount(category, basis, farmer_fen=farmer))} 元")
        except DuesError as exc:
            self.standard.setText(str(exc))

    def values(self) -> dict:
        """The answers (DuesError names a bad amount)."""
        category = DuesCategory(self.category.currentData())
        basis = (
            parse_yuan(self.basis.text(), what="计缴基数")
            if category.has_basis and self.basis.text().strip()
            else None
        )
        amount = parse_yuan(self.amount.text(), what="实定金额") if self.amount.text().strip() else None
        return {"category": category.value, "basis_fen": basis, "amount_fen": amount,
                "reason": self.reason.text().strip(), "from_month": self.from_month.currentIndex() + 1}  # fmt: skip

    def accept(self) -> None:
        try:
            self._save(self.values())
        except (DuesError, ValueError) as exc:
            prompts.warn(self, "修改核定", str(exc))
            return
        super().accept()
