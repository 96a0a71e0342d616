"""Rules as data (ARCHITECTURE.md practice 4): the DEV-* rules of domain.md and their engine.

Public API::

    from branchdesk.domain.rules import RuleContext, audit, check_step, next_steps, allowed

    ctx = RuleContext(as_of=today, settings=RuleSettings(...))
    audit(dossier, ctx)                        # batch: every finding as of ctx.as_of
    check_step(dossier, step, {"field": v}, ctx)  # live: what recording the step would add
    next_steps(dossier, ctx)                   # due items for the to-do list / pipeline board
    audit_meetings(meetings, ctx, branch_founded=d, groups=[(id, name)], has_committee=True)  # MTG-*

See docs/rules.md for every rule.
"""

from branchdesk.domain.rules.dev_rules import DEFAULT_BOOK, RULES_2014, RULESET_2014
from branchdesk.domain.rules.due import next_steps
from branchdesk.domain.rules.engine import (
    DueItem,
    DueKind,
    Finding,
    Rule,
    RuleBook,
    RuleContext,
    RuleSet,
    Severity,
    Violation,
    allowed,
    audit,
    audit_many,
    check_step,
)
from branchdesk.domain.rules.mtg_rules import MTG_BOOK, audit_meetings
from branchdesk.domain.rules.settings import SETTING_LABELS, RuleSettings, SettingsError

__all__ = [
    "DEFAULT_BOOK",
    "MTG_BOOK",
    "RULESET_2014",
    "RULES_2014",
    "SETTING_LABELS",
    "DueItem",
    "DueKind",
    "Finding",
    "Rule",
    "RuleBook",
    "RuleContext",
    "RuleSet",
    "RuleSettings",
    "SettingsError",
    "Severity",
    "Violation",
    "allowed",
    "audit",
    "audit_many",
    "audit_meetings",
    "check_step",
    "next_steps",
]
