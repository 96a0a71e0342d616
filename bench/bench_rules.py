"""Benchmark: audit 5,000 development dossiers with the DEV-* rules (goal: well under 1 s).

Issue 3 asks that `branchdesk check` over 5,000 dossiers, database loading included, finishes in
≤ 1 s; this measures the rule engine alone (plus the to-do list), so it has to be a fraction of that.

    .venv/bin/python bench/bench_rules.py [--dossiers 5000] [--repeat 5] [--profile]

Dossiers are realistic histories (application between 2019 and 2026, talk within the month,
half-yearly assessments, candidate a year or more later, admission, approval, probation,
conversion, archive) cut off at the check date 2026-11-23, so every stage is represented; about
one in twenty carries a typical fault (late talk, failed vote, wrong join date, short training …).
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import pstats
import random
import statistics
import time
from collections import Counter
from dataclasses import replace

AS_OF = dt.date(2026, 11, 23)


def make_dossiers(n: int, seed: int = 11, meeting_day=None) -> list:
    """``meeting_day(kind, day)``: the day of the branch's next ``kind`` ("committee" / "general")
    meeting on or after ``day`` — decisions are then taken at the branch's meetings (the dates that
    follow a decision move with it); None: any day. The random draws are the same either way."""
    from branchdesk.domain.dates import add_months, add_years
    from branchdesk.domain.development import (
        Approval,
        Assessment,
        ContactPerson,
        DecisionBody,
        Dossier,
        DossierItem,
        Filing,
        FilingKind,
        Period,
        Person,
        PoliticalReview,
        PreReview,
        Recommendation,
        Sponsor,
        Talk,
        TalkKind,
        ThoughtReport,
        Training,
    )
    from branchdesk.domain.votes import Vote

    rng = random.Random(seed)
    days = dt.timedelta

    def at(kind: str, day: dt.date) -> dt.date:
        return meeting_day(kind, day) if meeting_day is not None else day

    out = []
    for i in range(n):
        app = dt.date(2019, 1, 1) + days(rng.randrange(0, (AS_OF - dt.date(2019, 1, 1)).days))
        birth = dt.date(app.year - rng.randint(19, 40), rng.randint(1, 12), rng.randint(1, 28))
        talk = app + days(rng.randint(3, 27))
        act = at("committee", talk + days(rng.randint(60, 200)))
        assessments, a = [], act
        cand = at("committee", add_years(act, 1) + days(rng.randint(0, 150)))
        while add_months(a, 6) < cand:
            a = add_months(a, 6) - days(rng.randint(0, 10))
            assessments.append(a)
        review = at("committee", cand + days(45))
        meeting = at("general", max(cand + days(rng.randint(60, 100)), review + days(15)))
        approval = meeting + days(rng.randint(15, 80))
        end = add_years(meeting, 1)
        conv = at("general", end + days(rng.randint(0, 20)))
        conv_ok = conv + days(rng.randint(10, 60))
        expected = rng.randint(12, 45)
        present = rng.randint(expected // 2 + 1, expected)
        yes = rng.randint(expected // 2 + 1, present) if present > expected // 2 else present
        values = dict(
            id=i + 1,
            person=Person(f"成员{i}", birth),
            application_date=app,
            talks=(
                Talk(TalkKind.FIRST, talk, ("书记",)),
                Talk(TalkKind.HIGHER, meeting + days(10), ("组织员",)),
            ),
            activist_date=act,
            activist_recommendation=rng.choice(list(Recommendation)),
            activist_decided_by=DecisionBody.COMMITTEE,
            filings=(
                Filing(FilingKind.ACTIVIST, act + days(7)),
                Filing(FilingKind.CANDIDATE, cand + days(14)),
                Filing(FilingKind.ADMISSION, approval + days(7)),
            ),
            contacts=(ContactPerson("联系人甲", True, act), ContactPerson("联系人乙", True, act)),
            assessments=tuple(Assessment(x, "良好") for x in assessments),
            thought_reports=tuple(ThoughtReport(add_months(act, 3 * k)) for k in range(1, 5)),
            candidate_date=cand,
            candidate_decided_by=DecisionBody.COMMITTEE,
            publicity=Period(cand + days(1), cand + days(12)),
            sponsors=(Sponsor("介绍人甲"), Sponsor("介绍人乙")),
            sponsors_date=cand + days(15),
            political_review=PoliticalReview(cand + days(30)),
            training=Training(cand + days(35), cand + days(37), 3, 24, "结业"),
            committee_review_date=review,
            pre_review=PreReview(meeting - days(10)),
            volunteer_form_number=f"{meeting.year}-{i:05d}",
            volunteer_form_date=meeting - days(5),
            admission_meeting_date=meeting,
            admission_vote=Vote(expected, present, yes, present - yes),
            approval=Approval(approval),
            assignment_date=approval + days(3),
            oath_date=approval + days(rng.randint(1, 25)),
            join_date=meeting,
            conversion_application_date=end - days(7),
            conversion_meeting_date=conv,
            conversion_vote=Vote(expected, present, yes, present - yes),
            conversion_approval=Approval(conv_ok),
            full_member_date=end,
            checklist=frozenset(DossierItem),
            archive_date=conv_ok + days(3),
        )
        d = _cut(Dossier(**values), AS_OF)
        if rng.random() < 0.05:
            d = _fault(d, rng)
        out.append(d)
    return out


def _cut(d, as_of):
    """The dossier as it stood on ``as_of``: later steps not recorded yet."""
    from branchdesk.domain.development import Dossier

    def keep(x):
        return x if x is not None and x <= as_of else None

    def keep_part(p):
        return p if p is not None and p.date <= as_of else None

    changes = {
        "talks": tuple(t for t in d.talks if t.date <= as_of),
        "filings": tuple(f for f in d.filings if f.date <= as_of),
        "contacts": d.contacts if d.activist_date <= as_of else (),
        "assessments": tuple(a for a in d.assessments if a.date <= as_of),
        "thought_reports": tuple(r for r in d.thought_reports if r.date <= as_of),
        "political_review": keep_part(d.political_review),
        "pre_review": keep_part(d.pre_review),
        "approval": keep_part(d.approval),
        "conversion_approval": keep_part(d.conversion_approval),
        "training": d.training if d.training and d.training.end <= as_of else None,
        "publicity": d.publicity if d.publicity and d.publicity.end <= as_of else None,
    }
    for name in (
        "activist_date", "candidate_date", "sponsors_date", "committee_review_date", "volunteer_form_date",
        "admission_meeting_date", "assignment_date", "oath_date", "join_date", "conversion_application_date",
        "conversion_meeting_date", "full_member_date", "archive_date",
    ):  # fmt: skip
        changes[name] = keep(getattr(d, name))
    if changes["activist_date"] is None:
        changes.update(activist_recommendation=None, activist_decided_by=None)
    if changes["candidate_date"] is None:
        changes.update(candidate_decided_by=None)
    if changes["sponsors_date"] is None:
        changes["sponsors"] = ()
    if changes["volunteer_form_date"] is None:
        changes["volunteer_form_number"] = ""
    if changes["admission_meeting_date"] is None:
        changes["admission_vote"] = None
    if changes["conversion_meeting_date"] is None:
        changes["conversion_vote"] = None
    if changes["conversion_approval"] is None:
        changes["full_member_date"] = None
    if changes["archive_date"] is None:
        changes["checklist"] = frozenset()
    return replace(d, **changes) if isinstance(d, Dossier) else d


def _fault(d, rng):
    from branchdesk.domain.development import Training
    from branchdesk.domain.votes import Vote

    kind = rng.randrange(5)
    if kind == 0 and d.talks:
        return replace(
            d, talks=(replace(d.talks[0], date=d.talks[0].date + dt.timedelta(days=40)), *d.talks[1:])
        )
    if kind == 1 and d.admission_vote:
        return replace(d, admission_vote=Vote(d.admission_vote.expected, d.admission_vote.expected // 2, 3))
    if kind == 2 and d.join_date and d.approval:
        return replace(d, join_date=d.approval.date)
    if kind == 3 and d.training:
        return replace(d, training=Training(d.training.start, d.training.start, 1, 8))
    return replace(d, publicity=None)


def run(n: int, repeat: int, profile: bool) -> None:
    t0 = time.perf_counter()
    dossiers = make_dossiers(n)
    t_gen = time.perf_counter() - t0

    from branchdesk.domain.rules import RuleContext, audit_many, next_steps

    stages = Counter(d.standing.label for d in dossiers)
    print(f"{n} dossiers generated in {t_gen:.2f} s: " + ", ".join(f"{k} {v}" for k, v in stages.items()))

    def once():
        # Fresh snapshots (no cached derived values) and a fresh context, as in a `check` run.
        # The working-day answers stay cached in the process after the first run.
        batch = [replace(d) for d in dossiers]
        ctx = RuleContext(as_of=AS_OF)
        t = time.perf_counter()
        findings = audit_many(batch, ctx)
        t_audit = time.perf_counter() - t
        t = time.perf_counter()
        due = [item for d in batch for item in next_steps(d, ctx)]
        t_due = time.perf_counter() - t
        return findings, due, t_audit, t_due

    if profile:
        prof = cProfile.Profile()
        prof.enable()
        once()
        prof.disable()
        pstats.Stats(prof).sort_stats("tottime").print_stats(25)

    audits, dues = [], []
    for _ in range(repeat):
        findings, due, t_audit, t_due = once()
        audits.append(t_audit)
        dues.append(t_due)
    blocking = sum(f.blocking for f in findings)
    codes = Counter(f.code for f in findings)
    print(
        f"findings: {len(findings)} ({blocking} blocking) — "
        + ", ".join(f"{c} {k}" for c, k in codes.most_common())
    )
    print(f"due items: {len(due)} ({sum(i.overdue for i in due)} overdue)")
    print(
        f"audit of {n} dossiers: median {statistics.median(audits):.3f} s, best {min(audits):.3f} s "
        f"(first run incl. working-day cache {audits[0]:.3f} s); "
        f"next_steps: median {statistics.median(dues):.3f} s"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dossiers", type=int, default=5000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()
    run(args.dossiers, args.repeat, args.profile)


if __name__ == "__main__":
    main()
