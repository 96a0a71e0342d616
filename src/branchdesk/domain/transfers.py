"""Transfers of a member's organisational relation (组织关系转接): words and checks, no database."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from branchdesk.domain.vocab import Labeled


class TransferKind(Labeled):
    INTERNAL = "internal", "本单位支部间转接"
    IN = "in", "转入"
    OUT = "out", "转出"


#: how long a letter is valid by default (common practice: one month; the form lets it be changed)
LETTER_VALID_DAYS = 30


@dataclass(frozen=True)
class Transfer:
    """A snapshot of one transfer, with the names of the branches and the member."""

    id: int
    member_id: int
    member_name: str
    kind: str  # TransferKind code
    date: dt.date
    from_branch_id: int | None
    from_branch: str
    to_branch_id: int | None
    to_branch: str
    origin: str  # in: the organisation the member came from
    destination: str  # out: where the letter goes
    letter_no: str
    letter_valid_until: dt.date | None
    return_slip_on: dt.date | None
    reason: str

    @property
    def kind_label(self) -> str:
        return TransferKind(self.kind).label

    @property
    def source(self) -> str:
        """Where the member came from (转出单位)."""
        return self.origin if self.kind == TransferKind.IN.value else self.from_branch

    @property
    def target(self) -> str:
        """Where the member went (转入单位)."""
        return self.destination if self.kind == TransferKind.OUT.value else self.to_branch

    def overdue_slip(self, today: dt.date) -> bool:
        """A letter sent out whose return slip (回执) has not come back after it expired."""
        return (
            self.kind == TransferKind.OUT.value
            and self.return_slip_on is None
            and self.letter_valid_until is not None
            and today > self.letter_valid_until
        )
