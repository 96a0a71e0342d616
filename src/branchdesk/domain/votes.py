"""Vote arithmetic for branch general meetings (domain.md §2 step 15 and §7).

A branch general meeting that admits a probationary member, converts one to full membership,
extends a probation or cancels it decides by secret ballot. Two conditions, both on the number of
voting members EXPECTED (应到), never on those present (实到):

* quorum (DEV-VOTE-QUORUM): voting members present > half of those expected;
* majority (DEV-VOTE-MAJORITY): yes votes > half of those expected, where the yes votes include the
  written opinions that absent voting members formally submitted BEFORE the meeting.

"More than half" is strict: exactly half fails. All arithmetic is on integers (``2 * n > expected``),
so there is no rounding: 16 expected → at least 9 present and at least 9 yes; 15 expected → 8 and 8.

Who counts as a voter (``expected_voters``): full members only. Probationary members and members
under 留党察看 attend but do not vote. With higher approval and a general-meeting decision some
full members may be left out of 应到 (serving a sentence, …); such an exclusion needs a recorded reason.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from branchdesk.domain.vocab import Labeled, MemberType

__all__ = [
    "EXCLUSION_REASONS",
    "Electorate",
    "Exclusion",
    "ExclusionKind",
    "Vote",
    "VoteTally",
    "VoterSnapshot",
    "count_errors",
    "counted_no",
    "counted_yes",
    "exclusion_of",
    "expected_voters",
    "majority_met",
    "minimum_present",
    "minimum_yes",
    "quorum_met",
    "tally",
]


@dataclass(frozen=True)
class Vote:
    """The counts of one secret ballot on one person.

    ``yes``/``no``/``abstain`` are ballots cast IN the meeting (so together at most ``present``);
    ``written_*`` are written opinions of ABSENT voting members (so together at most
    ``expected - present``). Written opinions count toward the result only when
    ``written_before_meeting`` is true (formally submitted before the meeting).
    """

    expected: int
    present: int
    yes: int
    no: int = 0
    abstain: int = 0
    written_yes: int = 0
    written_no: int = 0
    written_abstain: int = 0
    written_before_meeting: bool = True

    @property
    def written(self) -> int:
        """All written opinions received, whether they count or not."""
        return self.written_yes + self.written_no + self.written_abstain

    @property
    def ballots(self) -> int:
        """Ballots cast in the meeting."""
        return self.yes + self.no + self.abstain


def minimum_present(expected: int) -> int:
    """Fewest voting members present for a quorum: strictly more than half of ``expected`` (16 → 9)."""
    return max(expected, 0) // 2 + 1


def minimum_yes(expected: int) -> int:
    """Fewest yes votes (in the room plus counted written ones) for a decision (16 → 9, 15 → 8)."""
    return max(expected, 0) // 2 + 1


def quorum_met(vote: Vote) -> bool:
    """Voting members present are MORE than half of those expected (exactly half fails)."""
    return vote.expected > 0 and 2 * vote.present > vote.expected


def counted_yes(vote: Vote) -> int:
    """Yes votes that count: ballots in the room plus written yes submitted before the meeting."""
    return vote.yes + (vote.written_yes if vote.written_before_meeting else 0)


def counted_no(vote: Vote) -> int:
    return vote.no + (vote.written_no if vote.written_before_meeting else 0)


def majority_met(vote: Vote) -> bool:
    """Counted yes votes are MORE than half of the voting members EXPECTED (应到, never 实到)."""
    return vote.expected > 0 and 2 * counted_yes(vote) > vote.expected


def count_errors(vote: Vote) -> list[str]:
    """Counts that cannot be right (DEV-VOTE-COUNTS), as Chinese sentences; empty when consistent.

    Checks: no negative numbers; at least one voter expected; present ≤ expected; ballots in the
    room ≤ present; written opinions ≤ absent voters (expected − present). The last two together
    imply the rule of domain.md, yes + no + abstain ≤ present + written opinions, and are stricter
    because they say where the excess is.
    """
    v = vote
    if (
        min(v.expected, v.present, v.yes, v.no, v.abstain, v.written_yes, v.written_no, v.written_abstain)
        >= 0
        and v.expected > 0
        and v.present <= v.expected
        and v.yes + v.no + v.abstain <= v.present
        and v.written_yes + v.written_no + v.written_abstain <= v.expected - v.present
    ):
        return []  # the common case, without building messages
    errors: list[str] = []
    labels = {
        "expected": "应到人数",
        "present": "实到人数",
        "yes": "赞成票",
        "no": "反对票",
        "abstain": "弃权票",
        "written_yes": "书面赞成意见",
        "written_no": "书面反对意见",
        "written_abstain": "书面弃权意见",
    }
    negative = [label for name, label in labels.items() if getattr(vote, name) < 0]
    if negative:
        errors.append(f"{'、'.join(negative)}不能为负数")
        return errors
    if vote.expected == 0:
        errors.append("应到有表决权的党员人数不能为0")
    if vote.present > vote.expected:
        errors.append(f"实到人数{vote.present}人多于应到人数{vote.expected}人")
    if vote.ballots > vote.present:
        errors.append(f"会场内赞成、反对、弃权票合计{vote.ballots}票，多于实到人数{vote.present}人")
    absent = max(vote.expected - vote.present, 0)
    if vote.written > absent:
        errors.append(
            f"书面意见{vote.written}份，多于未到会的有表决权党员{absent}人"
            "（书面意见只能由未到会的有表决权党员提交）"
        )
    return errors


@dataclass(frozen=True)
class VoteTally:
    """Everything the vote calculator shows while counts are typed in."""

    vote: Vote
    minimum_present: int
    minimum_yes: int
    counted_yes: int
    quorum_met: bool
    majority_met: bool
    errors: tuple[str, ...]

    @property
    def passed(self) -> bool:
        return not self.errors and self.quorum_met and self.majority_met

    def summary_zh(self) -> str:
        v = self.vote
        parts = [
            f"应到{v.expected}人，实到{v.present}人"
            f"（需超过半数，至少{self.minimum_present}人）："
            + ("符合规定" if self.quorum_met else "不足，不能表决"),
            f"赞成{self.counted_yes}票"
            + (f"（含会前书面意见{v.written_yes}票）" if v.written_yes and v.written_before_meeting else "")
            + f"，需超过应到人数的半数（至少{self.minimum_yes}票）："
            + ("通过" if self.majority_met else "未通过"),
        ]
        if v.written and not v.written_before_meeting:
            parts.append(f"书面意见{v.written}份在会后提交，不计入表决结果")
        parts.extend(self.errors)
        return "；".join(parts) + "。"


def tally(vote: Vote) -> VoteTally:
    return VoteTally(
        vote=vote,
        minimum_present=minimum_present(vote.expected),
        minimum_yes=minimum_yes(vote.expected),
        counted_yes=counted_yes(vote),
        quorum_met=quorum_met(vote),
        majority_met=majority_met(vote),
        errors=tuple(count_errors(vote)),
    )


# --------------------------------------------------------------------------- who votes


class ExclusionKind(Labeled):
    """The five kinds of full members who may be left out of 应到 (domain.md §9), with the higher
    organisation's consent AND a general meeting decision. Nothing else is an exclusion: 出差, 请假 …
    are absences (the member stays in 应到 and may submit a written opinion)."""

    ILL = "ill", "患病不能表达本人意志"
    ABROAD = "abroad", "出国（境）六个月以上"
    AWAY = "away", "外出学习或工作六个月以上、未转移组织关系"
    INFIRM = "infirm", "年老体弱卧床不起或长期患病、不能参加会议"
    DEPRIVED = "deprived", "被剥夺表决权（如正在服刑）"


#: The five kinds' labels (what the forms offer; kept under the old name for the calculator).
EXCLUSION_REASONS: tuple[str, ...] = tuple(k.label for k in ExclusionKind)


@dataclass(frozen=True)
class Exclusion:
    """A full member left out of 应到: the ``kind`` (one of five), the higher organisation's consent
    (``approved_on``, ``approved_by``) and the general meeting's decision (``decision``: e.g.
    "2025年3月6日支部党员大会决定"). ``note``: any detail (where, since when)."""

    kind: ExclusionKind
    approved_on: dt.date | None = None
    approved_by: str = ""
    decision: str = ""
    note: str = ""

    def problems(self, on: dt.date | None = None) -> list[str]:
        """What is missing or wrong, in Chinese (empty: a valid exclusion for a meeting on ``on``)."""
        out = []
        if self.approved_on is None:
            out.append("未记录上级党组织同意的日期")
        elif on is not None and self.approved_on > on:
            out.append(f"上级党组织同意的日期（{self.approved_on.isoformat()}）晚于会议")
        if not self.approved_by.strip():
            out.append("未记录同意的上级党组织")
        if not self.decision.strip():
            out.append("未记录支部党员大会的决定")
        return out

    def valid_on(self, on: dt.date | None = None) -> bool:
        return not self.problems(on)

    @property
    def summary_zh(self) -> str:
        parts = [self.kind.label]
        if self.approved_on is not None or self.approved_by.strip():
            when = (
                f"{self.approved_on.year}年{self.approved_on.month}月{self.approved_on.day}日"
                if self.approved_on
                else ""
            )
            parts.append(f"{self.approved_by.strip()}{when}同意")
        if self.decision.strip():
            parts.append(self.decision.strip())
        return "，".join(parts)


def exclusion_of(kind: str | ExclusionKind | None, approved_on: dt.date | None = None, approved_by: str = "",
                 decision: str = "", note: str = "") -> Exclusion | None:  # fmt: skip
    """The stored columns as an :class:`Exclusion` (None when no kind is recorded). A kind given by its
    label is accepted (imports); an unknown kind raises ValueError."""
    if kind is None or not str(kind).strip():
        return None
    return Exclusion(
        ExclusionKind.from_label(str(kind)), approved_on, approved_by or "", decision or "", note or ""
    )


@dataclass(frozen=True)
class VoterSnapshot:
    """A member of the branch on the meeting date, as far as voting is concerned."""

    name: str
    member_type: MemberType | str = MemberType.FULL
    under_watch: bool = False  # 留党察看
    excluded_reason: str = ""  # a note only: a reason alone (出差, 请假 …) never leaves anyone out of 应到
    member_id: int | None = None
    exclusion: Exclusion | None = None  # left out of 应到: one of the five kinds, with its approval
    approval_pending: bool = False  # probation over, conversion not yet approved by the higher committee


@dataclass(frozen=True)
class Electorate:
    """Who counts toward 应到 at a meeting, and who attends without a vote (with the reason)."""

    voters: tuple[VoterSnapshot, ...]
    non_voters: tuple[tuple[VoterSnapshot, str], ...]

    @property
    def expected(self) -> int:
        return len(self.voters)


def expected_voters(members: Iterable[VoterSnapshot]) -> Electorate:
    """Split the branch's members on the meeting date into voters and non-voters (domain.md §9).

    Full members vote. Probationary members and members under 留党察看 do not (they may attend); a
    probationary member votes only once the higher committee has approved the conversion
    (``approval_pending`` until then, e.g. at their own conversion meeting). A full member is left out
    of 应到 only with an :class:`Exclusion` of one of the five kinds carrying its approval; any other
    reason (出差, 请假 …) is an absence and the member stays in 应到.
    """
    voters: list[VoterSnapshot] = []
    non_voters: list[tuple[VoterSnapshot, str]] = []
    for m in members:
        if str(m.member_type) != MemberType.FULL.value:
            non_voters.append((m, "预备党员没有表决权"))
        elif m.approval_pending:
            non_voters.append((m, "预备期已满，转正尚未经上级党委批准，没有表决权"))
        elif m.under_watch:
            non_voters.append((m, "受留党察看处分期间没有表决权"))
        elif m.exclusion is not None and m.exclusion.valid_on():
            non_voters.append((m, f"经批准不计入应到人数：{m.exclusion.summary_zh}"))
        else:
            voters.append(m)
    return Electorate(voters=tuple(voters), non_voters=tuple(non_voters))
