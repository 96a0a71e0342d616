"""The printed records carry each exclusion from 应到 with its kind and approval (issue 12 §2): the
minutes of the meeting and the 纪实表 of the dossier."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from branchdesk.domain.meetings import AttendanceStatus, Attendee, Meeting, MeetingType
from branchdesk.domain.rules import RuleSettings
from branchdesk.domain.votes import Exclusion, ExclusionKind
from branchdesk.reports.ledger import Paragraph
from branchdesk.services.development import VoteExclusion
from tests.unit.dev_builders import complete

APPROVED = Exclusion(
    ExclusionKind.ABROAD, dt.date(2024, 7, 20), "某某学院党委", "2024年7月25日支部党员大会决定"
)


def paragraphs(doc) -> dict[str, str]:
    return {b.label: b.text for b in doc.blocks if isinstance(b, Paragraph)}


def test_the_minutes_name_the_member_left_out_with_the_kind_and_the_approval():
    from branchdesk.reports.meetings import minutes_document

    m = Meeting(
        type=MeetingType.GENERAL, date=dt.date(2024, 8, 1), chair="张三", recorder="李四",
        attendance=(
            Attendee(1, "张三"), Attendee(2, "李四"),
            Attendee(3, "王强", AttendanceStatus.ABSENT, "出国访学", voter=False, exclusion=APPROVED),
        ),
    )  # fmt: skip
    doc = minutes_document(m, branch_name="测试支部", period_label="", printed_on=dt.date(2024, 8, 2))
    text = paragraphs(doc)["不计入有表决权应到人数："]
    assert text == "王强：出国（境）六个月以上，某某学院党委2024年7月20日同意，2024年7月25日支部党员大会决定"


def test_the_dossier_record_names_the_voters_left_out_of_its_votes():
    from branchdesk.reports.dossier_record import dossier_document

    d = replace(complete(), id=1)
    excluded = {"admission_vote": (VoteExclusion("王强", "出国访学", None, APPROVED),)}
    doc = dossier_document(
        d, branch_name="测试支部", period_line="", findings=[], settings=RuleSettings(),
        checked_on=dt.date(2026, 11, 23), printed_on=dt.date(2026, 11, 23), excluded=excluded,
    )  # fmt: skip
    assert paragraphs(doc)["不计入应到人数："] == (
        "王强：出国（境）六个月以上；某某学院党委2024-07-20同意；2024年7月25日支部党员大会决定"
    )
