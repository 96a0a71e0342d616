"""An amount in 元 with at most two decimals, held as integer fen (never float arithmetic)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from PySide6.QtCore import QRegularExpression
from PySide6.QtGui import QRegularExpressionValidator
from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QWidget

from branchdesk.ui.widgets.date_field import field_width

MAX_YUAN = Decimal("99999999.99")


def yuan_to_fen(text: str) -> int | None:
    """ "12.5" → 1250; "" → None. Raises ValueError (Chinese message) for anything else."""
    text = (text or "").strip().replace(",", "").replace("，", "").replace("￥", "").replace("¥", "")
    text = text.removesuffix("元").strip()
    if not text:
        return None
    try:
        amount = Decimal(text)
    except InvalidOperation:
        raise ValueError(f"“{text}”不是金额，请填写数字，如 12.50") from None
    if not amount.is_finite():
        raise ValueError(f"“{text}”不是金额，请填写数字，如 12.50")
    if amount < 0:
        raise ValueError("金额不能为负数")
    if amount != amount.quantize(Decimal("0.01")):
        raise ValueError("金额最多保留两位小数（精确到分）")
    if amount > MAX_YUAN:
        raise ValueError("金额过大，请检查")
    return int(amount * 100)


def fen_to_yuan(fen: int | None) -> str:
    """1250 → "12.50"; None → ""."""
    if fen is None:
        return ""
    sign = "-" if fen < 0 else ""
    fen = abs(fen)
    return f"{sign}{fen // 100}.{fen % 100:02d}"


class MoneyField(QWidget):
    """A line edit for 元 (two decimals) followed by the unit; `fen()` gives integer fen or None."""

    def __init__(self, parent: QWidget | None = None, *, placeholder: str = "如 12.50"):
        super().__init__(parent)
        self.edit = QLineEdit()
        self.edit.setPlaceholderText(placeholder)
        self.edit.setValidator(
            QRegularExpressionValidator(QRegularExpression(r"^\d{0,8}([.．]\d{0,2})?$"), self.edit)
        )
        self.edit.setMaxLength(12)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addWidget(self.edit, 1)
        layout.addWidget(QLabel("元"))
        self.setFocusProxy(self.edit)
        self.setMaximumWidth(field_width(self.edit.fontMetrics()))
        self.edit.editingFinished.connect(self._reformat)

    def text(self) -> str:
        return self.edit.text()

    def setText(self, text: str) -> None:
        self.edit.setText(text)

    def fen(self) -> int | None:
        """Integer fen, None when empty; raises ValueError with a Chinese message when not an amount."""
        return yuan_to_fen(self.edit.text().replace("．", "."))

    def set_fen(self, fen: int | None) -> None:
        self.edit.setText(fen_to_yuan(fen))

    def error(self) -> str | None:
        try:
            self.fen()
        except ValueError as exc:
            return str(exc)
        return None

    def _reformat(self) -> None:
        try:
            fen = self.fen()
        except ValueError:
            return
        if fen is not None:
            self.edit.setText(fen_to_yuan(fen))
