"""A read-only summary of the selected member, beside the member list."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFormLayout, QFrame, QLabel, QScrollArea, QVBoxLayout, QWidget

from branchdesk.domain.dates import age_on, format_date
from branchdesk.domain.members import MemberRecord
from branchdesk.domain.vocab import MEMBER_FIELD_LABELS, STUDENT_FIELDS, MemberStatus, PersonCategory

# Fields shown, in order (labels from the vocabulary).
_FIELDS = (
    "id_number", "sex", "ethnicity", "birth_date", "native_place", "education", "degree", "group_id",
    "join_date", "conversion_date", "work_unit", "job", "post", "party_post", "mobile", "landline",
)  # fmt: skip


class MemberDetail(QScrollArea):
    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("memberDetail")
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        body = QWidget()
        layout = QVBoxLayout(body)
        layout.setContentsMargins(12, 8, 8, 8)
        self._title = QLabel()
        font = self._title.font()
        font.setPointSizeF(font.pointSizeF() * 1.35)
        font.setBold(True)
        self._title.setFont(font)
        self._subtitle = QLabel()
        self._subtitle.setWordWrap(True)
        layout.addWidget(self._title)
        layout.addWidget(self._subtitle)
        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.setVerticalSpacing(6)
        self._values: dict[str, QLabel] = {}
        for name in (*_FIELDS, *STUDENT_FIELDS, "status_reason", "notes"):
            value = QLabel()
            value.setWordWrap(True)
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            form.addRow(MEMBER_FIELD_LABELS[name] + "：", value)
            self._values[name] = value
        self.dues = QLabel()  # 党费: this year's months, arrears (set by the page: show_dues)
        self.dues.setObjectName("memberDues")
        self.dues.setWordWrap(True)
        form.addRow("党费：", self.dues)
        self._form = form
        layout.addLayout(form)
        layout.addStretch(1)
        self.setWidget(body)
        self.show_record(None)
        self.show_dues("")

    def show_record(self, record: MemberRecord | None, *, today: dt.date | None = None) -> None:
        if record is None:
            self._title.setText("未选择党员")
            self._subtitle.setText("在左侧列表中选择一名党员，这里显示其主要信息。")
            for name, label in self._values.items():
                label.setText("")
                self._form.setRowVisible(label, name in _FIELDS)
            return
        today = today or dt.date.today()
        self._title.setText(record.name)
        parts = [record.type_label, record.status_label]
        if record.status != MemberStatus.ACTIVE.value and record.status_date:
            parts[-1] += f"（{format_date(record.status_date)}）"
        if record.birth_date:
            birth = record.partial("birth_date")
            youngest, oldest = age_on(birth.last, today), age_on(birth.first, today)
            parts.append(f"{youngest}岁" if youngest == oldest else f"{youngest}或{oldest}岁")
        self._subtitle.setText(" · ".join(parts))
        for name, label in self._values.items():
            label.setText(_text(record, name))
        for name in (*STUDENT_FIELDS, "status_reason", "notes"):  # shown when recorded
            self._form.setRowVisible(self._values[name], bool(self._values[name].text()))

    def show_dues(self, text: str) -> None:
        """The member's dues line (services.dues.member_summary); empty hides the row."""
        self.dues.setText(text)
        self._form.setRowVisible(self.dues, bool(text))

    def text_of(self, name: str) -> str:
        return self._values[name].text()


def _text(record: MemberRecord, name: str) -> str:
    if name == "group_id":
        return record.group_name or "未分组"
    if name == "person_category":
        return PersonCategory(record.person_category).label if record.person_category else ""
    value = getattr(record, name)
    if isinstance(value, dt.date):
        return record.date_text(name) if hasattr(record, f"{name}_precision") else format_date(value)
    return str(value or "")
