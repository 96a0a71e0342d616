"""A member whose roster gave only 出生年月 and 入党年月: the list, the summary and the form show the month as
written, and saving the form unchanged keeps it a month (issue 18)."""

from __future__ import annotations

import datetime as dt

from branchdesk.domain.members import MemberFields
from branchdesk.services.members import MemberQuery
from branchdesk.ui.dialogs.member_dialog import MemberDialog
from branchdesk.ui.models.member_table import COLUMN_KEYS, MemberTableModel
from branchdesk.ui.widgets.member_detail import MemberDetail


def test_a_month_precise_member_is_shown_and_saved_as_a_month(qtbot, ctx, members):
    record = members.create(
        MemberFields(name="林晓", sex="女", birth_date=dt.date(1999, 3, 1), birth_date_precision="month",
                     member_type="probationary", join_date=dt.date(2026, 5, 1), join_date_precision="month")
    )  # fmt: skip
    model = MemberTableModel(members, MemberQuery())
    row = [model.index(r, 0).data() for r in range(model.rowCount())].index("林晓")
    assert model.index(row, COLUMN_KEYS.index("birth_date")).data() == "1999-03"
    assert model.index(row, COLUMN_KEYS.index("join_date")).data() == "2026-05"
    detail = MemberDetail()
    qtbot.addWidget(detail)
    detail.show_record(record, today=dt.date(2026, 12, 7))
    assert detail.text_of("birth_date") == "1999年3月" and detail.text_of("join_date") == "2026年5月"

    dialog = MemberDialog(ctx, record.id)
    qtbot.addWidget(dialog)
    assert dialog.birth_date.text() == "1999年3月" and dialog.join_date.text() == "2026年5月"
    dialog.notes.setPlainText("花名册只有年月")
    assert dialog.save()
    saved = members.get(record.id)
    assert (saved.birth_date_precision, saved.join_date_precision) == ("month", "month")
    assert saved.notes == "花名册只有年月"
