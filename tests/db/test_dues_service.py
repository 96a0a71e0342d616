"""党费 (issue 14) as the office does it: the year's assessment from the brackets, 本月收缴 for the whole
branch in one save, a back-payment covering several months, a mid-year joiner, arrears and MEM-DUES-6M,
remittances against what was collected, and a member transferred out who stops owing."""

from __future__ import annotations

import datetime as dt

import pytest

from branchdesk.domain.dues import DuesCategory, DuesError, month_index
from branchdesk.domain.members import MemberFields
from branchdesk.services.dues import AssessmentInput, ExemptionInput, PaymentInput, RemittanceInput
from branchdesk.services.members import StatusChange

M = lambda y, m: month_index((y, m))  # noqa: E731


@pytest.fixture
def people(ws):
    def add(name, joined, member_type="full", basis=None, monthly=None, job=""):
        return ws.members.create(
            MemberFields(name=name, join_date=joined, member_type=member_type,
                         conversion_date=None if member_type != "full" else joined + dt.timedelta(days=366),
                         dues_basis_fen=basis, dues_monthly_fen=monthly, job=job)
        ).id  # fmt: skip

    return {
        "王建国": add("王建国", dt.date(2001, 7, 1), basis=850_000),  # 1.5 % → 127.50
        "李秀英": add("李秀英", dt.date(1985, 6, 1), basis=450_000, job="退休"),  # retired 0.5 % → 22.50
        "赵小雨": add("赵小雨", dt.date(2020, 6, 1)),  # student: 0.20
        "陈新": add(
            "陈新", dt.date(2026, 4, 15), member_type="probationary", basis=300_000
        ),  # joins in April
    }


def test_the_years_assessment_is_prefilled_from_the_brackets_and_an_override_needs_a_reason(ws, people):
    assert ws.dues.assess_year(2026) == 4
    by_name = {a.member_name: a for a in ws.dues.assessments(2026)}
    assert (by_name["王建国"].rate_bp, by_name["王建国"].amount_fen) == (150, 12750)
    assert (by_name["李秀英"].category, by_name["李秀英"].amount_fen) == ("retired", 2250)
    assert (by_name["赵小雨"].category, by_name["赵小雨"].amount_fen) == ("student", 20)
    assert (by_name["陈新"].from_month, by_name["陈新"].amount_fen) == (
        4,
        1500,
    )  # from the month of admission
    assert ws.dues.assess_year(2026) == 0  # nothing twice
    with pytest.raises(DuesError, match="需填写原因"):
        ws.dues.save_assessment(
            AssessmentInput(people["王建国"], 2026, DuesCategory.EMPLOYED, 850_000, amount_fen=20000)
        )
    ws.dues.save_assessment(AssessmentInput(people["王建国"], 2026, DuesCategory.EMPLOYED, 850_000, amount_fen=20000,
                                            override_reason="本人自愿多交"))  # fmt: skip
    # a raise in July: from July on 1,100,000 fen → 2 %
    ws.dues.save_assessment(AssessmentInput(people["王建国"], 2026, "employed", 1_100_000, from_month=7,
                                            changed_on=dt.date(2026, 7, 1)))  # fmt: skip
    months = ws.dues.member_months(people["王建国"], 2026)
    assert months[6] == ("未交", 20000) and months[7] == ("未交", 22000)
    assert ws.members.get(people["王建国"]).dues_monthly_fen == 22000  # the file follows the newest


def test_collecting_a_month_for_the_whole_branch_in_one_save(ws, people):
    ws.dues.assess_year(2026)
    sheet = {line.name: line for line in ws.dues.collection_sheet(M(2026, 3))}
    assert set(sheet) == {"王建国", "李秀英", "赵小雨"}  # 陈新 joins in April
    assert sheet["王建国"].amount_fen == 12750 and not sheet["王建国"].paid
    seen = []
    ws.subscribe(seen.append)
    paid = ws.dues.collect_month(M(2026, 3), [(people["王建国"], 12750), (people["赵小雨"], 20)],
                                 paid_on=dt.date(2026, 3, 10), collector="组织委员")  # fmt: skip
    assert len(paid) == 2 and len(seen) == 1 and seen[0].touches("dues_payment")  # one transaction
    assert seen[0].operation.startswith("本月收缴：2026年3月")
    sheet = {line.name: line for line in ws.dues.collection_sheet(M(2026, 3))}
    assert sheet["王建国"].paid and not sheet["李秀英"].paid
    assert ws.members.get(people["王建国"]).dues_paid_to == dt.date(2026, 3, 31)
    from branchdesk.services.audit import verify

    report = verify(ws.db)  # the trail matches the data: "paid up to" of each member file was audited
    assert report.ok, report.lines()
    # a second save of the same month for one member fails whole: nothing of it is written
    with pytest.raises(DuesError, match="已经交过"):
        ws.dues.collect_month(M(2026, 3), [(people["李秀英"], 2250), (people["王建国"], 12750)],
                              paid_on=dt.date(2026, 3, 20))  # fmt: skip
    assert not {line.name: line for line in ws.dues.collection_sheet(M(2026, 3))}["李秀英"].paid


def test_a_payment_may_cover_several_months_and_a_long_back_payment_is_flagged(ws, people):
    ws.dues.assess_year(2025)
    ws.dues.assess_year(2026)
    p = ws.dues.record_payment(
        PaymentInput(people["李秀英"], dt.date(2026, 4, 2), [M(2026, 1), M(2026, 2), M(2026, 3)])
    )
    assert (p.amount_fen, p.month_amounts, p.backpay) == (6750, (2250, 2250, 2250), False)
    assert p.months_text == "2026年1月至3月"
    late = ws.dues.record_payment(
        PaymentInput(people["赵小雨"], dt.date(2026, 9, 1), list(range(M(2025, 12), M(2026, 3))))
    )
    assert late.backpay  # December 2025 paid in September 2026: more than six months back
    odd = ws.dues.record_payment(
        PaymentInput(people["王建国"], dt.date(2026, 4, 1), [M(2026, 1), M(2026, 2)], 25001)
    )
    assert odd.month_amounts == (12500, 12501)


def test_a_mid_year_joiner_pays_from_the_month_of_admission(ws, people):
    ws.dues.assess_year(2026)
    with pytest.raises(DuesError, match="入党（或转入）之前"):
        ws.dues.record_payment(PaymentInput(people["陈新"], dt.date(2026, 4, 20), [M(2026, 3)]))
    ws.dues.record_payment(PaymentInput(people["陈新"], dt.date(2026, 4, 20), [M(2026, 4)]))
    owed = {a.name: a for a in ws.dues.arrears(dt.date(2026, 7, 15))}
    assert owed["陈新"].unpaid == (M(2026, 5), M(2026, 6))  # April paid; July still payable in July
    assert owed["陈新"].amount_fen == 3000


def test_arrears_and_mem_dues_6m_warn_from_three_months_block_at_six_and_a_reason_stops_it(ws, people):
    ws.dues.assess_year(2026)
    for name in ("王建国", "李秀英", "赵小雨"):
        ws.dues.record_payment(PaymentInput(people[name], dt.date(2026, 1, 10), [M(2026, 1)]))
    ws.dues.record_payment(
        PaymentInput(people["王建国"], dt.date(2026, 5, 10), list(range(M(2026, 2), M(2026, 5))))
    )

    def findings(on):
        return {f.person: f for f in ws.compliance.check(on).all if f.code == "MEM-DUES-6M"}

    # 15 April: February and March due and unpaid for two of them — no finding yet
    assert findings(dt.date(2026, 4, 15)) == {}
    # 1 May: February–April, three months: a warning
    f = findings(dt.date(2026, 5, 1))
    assert set(f) == {"李秀英", "赵小雨"} and not f["李秀英"].blocking
    assert "连续3个月" in f["李秀英"].message_zh
    # 1 August: six months (February–July): blocking, with the amount
    f = findings(dt.date(2026, 8, 1))
    assert (
        f["李秀英"].blocking and "自行脱党" in f["李秀英"].message_zh and "135.00元" in f["李秀英"].message_zh
    )
    arrears = {a.name: a for a in ws.dues.arrears(dt.date(2026, 8, 1))}
    assert arrears["王建国"].unpaid == (M(2026, 5), M(2026, 6), M(2026, 7))
    assert arrears["李秀英"].months_text == "2026年2月至7月"
    # 赵小雨 studies abroad, paying at her new place: recorded, the count stops
    ws.dues.add_exemption(ExemptionInput(people["赵小雨"], "elsewhere", M(2026, 2), None,
                                         reason="流动党员，在流入地党组织交纳", approved_by="学院党委"))  # fmt: skip
    assert set(findings(dt.date(2026, 8, 1))) == {"李秀英", "王建国", "陈新"}  # 陈新: April–July
    assert not findings(dt.date(2026, 8, 1))["王建国"].blocking


def test_a_member_transferred_out_stops_owing_and_cannot_pay_after(ws, people):
    ws.dues.assess_year(2026)
    ws.members.change_status(
        people["王建国"], StatusChange("transferred_out", dt.date(2026, 6, 10), "工作调动")
    )
    owed = {a.name: a for a in ws.dues.arrears(dt.date(2026, 12, 31))}
    assert owed["王建国"].unpaid[-1] == M(2026, 5)  # June is the month of leaving: not owed here
    ws.dues.record_payment(
        PaymentInput(people["王建国"], dt.date(2026, 6, 9), [M(2026, 6)])
    )  # may still pay it
    with pytest.raises(DuesError, match="新的党组织"):
        ws.dues.record_payment(PaymentInput(people["王建国"], dt.date(2026, 6, 9), [M(2026, 7)]))


def test_remittances_show_the_difference_to_what_was_collected(ws, people):
    ws.dues.assess_year(2026)
    ws.dues.collect_month(
        M(2026, 1), [(people["王建国"], 12750), (people["李秀英"], 2250)], paid_on=dt.date(2026, 1, 8)
    )
    ws.dues.record_remittance(RemittanceInput(dt.date(2026, 2, 3), 12000, M(2026, 1), M(2026, 1), "党费收据0012345",
                                              "测试学院党委"))  # fmt: skip
    assert ws.dues.balance(2026) == (15000, 12000, 3000)
    [r] = ws.dues.remittances(2026)
    assert (r.receipt_no, r.months_text) == ("党费收据0012345", "2026年1月")


def test_the_member_file_shows_the_years_months_and_what_is_owed(ws, people):
    ws.dues.assess_year(2026)
    ws.dues.record_payment(
        PaymentInput(people["王建国"], dt.date(2026, 3, 5), [M(2026, 1), M(2026, 2), M(2026, 3)])
    )
    line = ws.dues.member_summary(people["王建国"], dt.date(2026, 7, 20))
    assert (
        line
        == "2026年已交1月至3月；月缴127.50元；交至2026年3月；欠交2026年4月至6月，共382.50元；已连续3个月未交，请提醒交纳"
    )


def test_the_workbench_lists_members_behind_and_the_rubric_scores_dues_on_time(ws, people):
    from branchdesk.services.dues_readiness import dues_on_time
    from branchdesk.services.readiness_metrics import MetricInputs

    ws.dues.assess_year(2026)
    for name in ("王建国", "李秀英", "赵小雨"):
        ws.dues.record_payment(PaymentInput(people[name], dt.date(2026, 1, 10), [M(2026, 1)]))
    ws.dues.record_payment(
        PaymentInput(people["王建国"], dt.date(2026, 6, 3), list(range(M(2026, 2), M(2026, 7))))
    )
    todos = [t for t in ws.workbench.todos(dt.date(2026, 7, 20)) if t.area == "党费"]
    by_text = {t.text.split("已连续")[0]: t for t in todos if "已连续" in t.text}
    assert set(by_text) == {"李秀英", "赵小雨", "陈新"}  # February–June unpaid; 陈新 April–June
    assert by_text["李秀英"].due == dt.date(2026, 8, 1) and not by_text["李秀英"].overdue
    assert by_text["李秀英"].target == "dues" and by_text["李秀英"].ref == people["李秀英"]
    assert any(t.text == "2026年7月党费尚有4人未交（本月收缴）" for t in todos)
    assert all(t.overdue for t in ws.workbench.todos(dt.date(2026, 8, 20)) if "李秀英已连续" in t.text)
    result = dues_on_time(MetricInputs(ws, 2026, dt.date(2026, 7, 20)))
    assert result.value == 0.25  # of four members, 王建国 alone is paid up (January–June)
    assert "3名党员欠交党费" in result.gap_text and len(result.shortfalls) == 3
