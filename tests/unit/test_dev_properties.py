"""Live and batch agree: no sequence of ALLOWED actions produces a dossier that `audit` blocks.

A simulated secretary records steps one by one, each on a day that moves forward: usually the next
natural step with mostly sensible values, sometimes any step with any values (a failing vote, a
single sponsor, a probationary contact person, a 13-month extension, a step after a withdrawal …),
sometimes backdated. A step is recorded only when `check_step` returns no blocking finding. At the
end `audit`, as of the day of the last recorded step, must not report anything blocking.
"""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from branchdesk.domain.development import (
    Approval,
    Assessment,
    ContactPerson,
    DecisionBody,
    Dossier,
    DossierItem,
    Extension,
    Filing,
    FilingKind,
    Outcome,
    Period,
    Person,
    PoliticalReview,
    PreReview,
    Recommendation,
    Sponsor,
    Step,
    Talk,
    TalkKind,
    ThoughtReport,
    Training,
    apply_step,
)
from branchdesk.domain.rules import RuleContext, allowed, audit, check_step
from branchdesk.domain.votes import Vote

START = date(2019, 1, 1)


def _vote(data, sensible: bool) -> Vote:
    expected = data.draw(st.integers(3, 40), label="expected")
    if sensible:
        present = data.draw(st.integers(expected // 2 + 1, expected), label="present")
        yes = data.draw(st.integers(expected // 2 + 1, present), label="yes")
        return Vote(expected, present, yes, no=present - yes)
    present = data.draw(st.integers(0, expected + 1), label="present")
    yes = data.draw(st.integers(0, present + 1), label="yes")
    no = data.draw(st.integers(0, max(present - yes, 0)), label="no")
    written_yes = data.draw(st.integers(0, 3), label="written_yes")
    before = data.draw(st.booleans(), label="written_before_meeting")
    return Vote(expected, present, yes, no, 0, written_yes, 0, 0, before)


def _values(step: Step, d: Dossier, day: date, data, sensible: bool) -> dict:
    """Field values for recording ``step`` on ``day`` (sensible ones, or anything)."""
    flag = lambda p=0.9: True if sensible else data.draw(st.booleans())  # noqa: E731
    match step:
        case Step.APPLICATION:
            return {"application_date": day}
        case Step.FIRST_TALK:
            return {"talks": Talk(TalkKind.FIRST, day, ("书记",))}
        case Step.ACTIVIST:
            rec = Recommendation.MEMBERS if flag() else data.draw(st.sampled_from([None, *Recommendation]))
            return {
                "activist_date": day,
                "activist_recommendation": rec,
                "activist_decided_by": DecisionBody.COMMITTEE,
            }
        case Step.ACTIVIST_FILING:
            return {"filings": Filing(FilingKind.ACTIVIST, day)}
        case Step.CONTACTS:
            n = 2 if sensible else data.draw(st.integers(0, 3))
            return {"contacts": tuple(ContactPerson(f"联系人{i}", flag(), day) for i in range(n))}
        case Step.ASSESSMENT:
            return {"assessments": Assessment(day, "良好")}
        case Step.CANDIDATE:
            start = day - timedelta(days=21 if sensible else data.draw(st.integers(0, 20)))
            publicity = Period(start, day) if flag() else None
            return {"candidate_date": day, "publicity": publicity}
        case Step.CANDIDATE_FILING:
            return {"filings": Filing(FilingKind.CANDIDATE, day)}
        case Step.SPONSORS:
            n = 2 if sensible else data.draw(st.integers(0, 3))
            sponsors = tuple(Sponsor(f"介绍人{i}", flag(), not flag()) for i in range(n))
            return {"sponsors": sponsors, "sponsors_date": day}
        case Step.POLITICAL_REVIEW:
            return {"political_review": PoliticalReview(day, flag())}
        case Step.TRAINING:
            days = 3 if sensible else data.draw(st.integers(1, 5))
            hours = 24 if sensible else data.draw(st.integers(0, 40))
            return {"training": Training(day - timedelta(days=days - 1), day, days, hours)}
        case Step.COMMITTEE_REVIEW:
            return {"committee_review_date": day}
        case Step.PRE_REVIEW:
            return {"pre_review": PreReview(day, flag())}
        case Step.VOLUNTEER_FORM:
            return {"volunteer_form_number": "2024-001" if flag() else "", "volunteer_form_date": day}
        case Step.ADMISSION_VOTE:
            values = {"admission_meeting_date": day, "admission_vote": _vote(data, sensible)}
            if data.draw(st.booleans(), label="join_date"):
                values["join_date"] = day if flag() else day + timedelta(days=-data.draw(st.integers(0, 40)))
            return values
        case Step.HIGHER_TALK:
            return {"talks": Talk(TalkKind.HIGHER, day, ("组织员",))}
        case Step.APPROVAL:
            return {"approval": Approval(day, "" if flag() else "党委会议推迟")}
        case Step.ADMISSION_FILING:
            return {"filings": Filing(FilingKind.ADMISSION, day)}
        case Step.ASSIGNMENT:
            return {"assignment_date": day}
        case Step.OATH:
            return {"oath_date": day}
        case Step.PROBATION_EDUCATION:
            return {"thought_reports": ThoughtReport(day)}
        case Step.CONVERSION_APPLICATION:
            return {"conversion_application_date": day}
        case Step.CONVERSION_VOTE:
            already = sensible and d.extensions
            if not already and data.draw(st.integers(0, 4), label="extend?") == 0:
                months = 6 if sensible else data.draw(st.integers(4, 14))
                return {"extensions": Extension(day, months, _vote(data, sensible))}
            values = {"conversion_meeting_date": day, "conversion_vote": _vote(data, sensible)}
            if sensible:
                values["full_member_date"] = d.probation_end
            elif data.draw(st.booleans(), label="full_member_date"):
                values["full_member_date"] = data.draw(st.sampled_from([d.probation_end, day]))
            return values
        case Step.CONVERSION_APPROVAL:
            return {"conversion_approval": Approval(day)}
        case Step.ARCHIVE:
            items = frozenset(DossierItem) if flag() else frozenset(list(DossierItem)[:3])
            return {"archive_date": day, "checklist": items}
    raise AssertionError(step)


_ORDER = [s for s in Step if s is not Step.PROBATION_EDUCATION]


def _natural_step(d: Dossier, day: date) -> Step:
    """The next step a careful secretary would record."""
    done = d.steps_done
    if d.activist_date and not d.candidate_date:
        last = max([d.activist_date, *d.assessment_dates])
        if (day - last).days > 150 or (day - d.activist_date).days < 365:
            return Step.ASSESSMENT if (day - last).days > 150 else Step.ACTIVIST_FILING
    for step in _ORDER:
        if step not in done and step is not Step.ASSESSMENT:
            return step
    return Step.ARCHIVE


def _outcome(d: Dossier, day: date, data) -> dict:
    outcome = data.draw(
        st.sampled_from([Outcome.WITHDRAWN, Outcome.TRANSFERRED_OUT, Outcome.CANCELLED, Outcome.REJECTED])
    )
    values = {"outcome": outcome, "outcome_date": day}
    if outcome is Outcome.CANCELLED:
        values["outcome_vote"] = _vote(data, data.draw(st.booleans()))
    return values


def _careful(
    d: Dossier, today: date, data, actions: int, gaps=(1, 5, 10, 20, 30)
) -> tuple[Dossier, date, date | None]:
    """A careful secretary: sensible natural steps only, a few days apart (gated by check_step)."""
    last = None
    for _ in range(actions):
        today += timedelta(days=data.draw(st.sampled_from(gaps), label="careful gap"))
        step = _natural_step(d, today)
        if step is Step.CONVERSION_VOTE and d.probation_end and today < d.probation_end:
            continue
        values = _values(step, d, today, data, sensible=True)
        if allowed(check_step(d, step, values, RuleContext(as_of=today))):
            d, last = apply_step(d, values), today
        if d.archive_date:
            break
    return d, today, last


# After a careful prefix of random length (so that every stage is reached), mostly the natural
# next step with mostly sensible values; sometimes any step with any values; rarely a rejection.
# An outcome (withdrawal, transfer, cancellation) is tried at most once, at a drawn point.
_KINDS = ["natural"] * 10 + ["any"] * 5 + ["reject"]


@settings(
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(st.data())
def test_allowed_actions_never_lead_to_a_blocking_audit(data):
    birth = data.draw(st.dates(date(1990, 1, 1), date(2002, 12, 31)), label="birth")
    d = Dossier(id=1, person=Person("模拟", birth))
    today = START + timedelta(days=data.draw(st.integers(0, 365), label="start"))
    d, today, last_recorded = _careful(d, today, data, data.draw(st.integers(0, 70), label="careful"))
    event(f"after the careful prefix: {d.standing.label}")
    recorded: list[str] = []
    n_actions = data.draw(st.integers(1, 30), label="actions")
    closing_at = data.draw(st.integers(0, 2 * n_actions), label="closing action")  # none in half the runs
    for i in range(n_actions):
        today += timedelta(days=data.draw(st.sampled_from([0, 1, 3, 10, 20, 30, 45, 60, 100, 200])))
        kind = "outcome" if i == closing_at else data.draw(st.sampled_from(_KINDS), label="kind")
        back = data.draw(st.sampled_from([0, 0, 0, 2, 15]), label="backdate")
        day = today - timedelta(days=back)
        if kind == "outcome":
            step, values = Step.CONVERSION_VOTE, _outcome(d, day, data)
        elif kind == "reject":
            step, values = Step.ADMISSION_VOTE, {"rejected_on": day}
        else:
            sensible = kind == "natural" and data.draw(st.integers(0, 3), label="sensible") > 0
            step = _natural_step(d, day) if kind == "natural" else data.draw(st.sampled_from(list(Step)))
            values = _values(step, d, day, data, sensible)
        findings = check_step(d, step, values, RuleContext(as_of=today))
        if allowed(findings):
            d = apply_step(d, values)
            last_recorded = today
            recorded.append(step.value)
        else:
            assert any(f.blocking for f in findings)
    if last_recorded is None:
        return
    event(f"final standing: {d.standing.label}")
    event(f"random steps recorded: {len(recorded) // 5 * 5}+")
    blocking = [f for f in audit(d, RuleContext(as_of=last_recorded)) if f.blocking]
    assert blocking == [], (recorded, [f.message_zh for f in blocking])


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_careful_secretary_reaches_full_membership_without_blocking(data):
    """Only sensible natural steps, time moving on: the dossier reaches the archive and stays clean."""
    d, _today, last = _careful(
        Dossier(id=1, person=Person("模拟", date(1998, 5, 5))), START, data, 150, gaps=(10, 15, 20, 30)
    )
    findings = audit(d, RuleContext(as_of=last))
    assert d.archive_date is not None, (d.steps_done, [f.message_zh for f in findings])
    assert d.conversion_approval is not None and d.probation_end == d.full_member_date
    assert not [f for f in findings if f.blocking]
