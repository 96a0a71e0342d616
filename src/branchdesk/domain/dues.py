"""Party dues (党费, domain.md §5 and §10; 党费收缴、使用和管理的规定, 2008): categories, brackets,
months, arrears. Pure Python: no database, no Qt.

Money is integer fen throughout (1 yuan = 100 fen), never float.

**Brackets.** Monthly dues on the monthly after-tax regular pay (在职) or pension (离退休):

========================  ======  =====================================
basis (yuan / month)      rate    note
========================  ======  =====================================
在职 ≤ 3,000              0.5 %
在职 3,000.01 – 5,000     1 %
在职 5,000.01 – 10,000    1.5 %
在职 > 10,000             2 %
离退休 ≤ 5,000            0.5 %
离退休 > 5,000            1 %
学生 / 无固定收入 / 低保    —       0.20 yuan a month
农民                      —       0.20 – 1.00 yuan a month (the branch fixes it)
========================  ======  =====================================

A boundary belongs to the lower bracket: 3,000.00 yuan pays 0.5 % (15.00 yuan), 3,000.01 pays 1 %
(30.00 yuan). **Rounding**: the amount is rounded to the fen, half up (0.5 fen and more rounds up):
``(basis_fen × rate_bp + 5000) // 10000`` with the rate in basis points (0.5 % = 50 bp).

**Months.** A month is an int index ``year * 12 + month - 1`` (:func:`month_index`); the ledger's
columns are months 1..12 of a year. A member owes dues from the month of admission as probationary
member (or of transfer in, or the branch's first dues month) to the month before leaving (transfer
out, death, …) — the month they leave they pay in their new organisation.

**Arrears** (MEM-DUES-6M): the unpaid months that are due and not exempt; the *consecutive* run of
unpaid months ending at the last due month is what the rule counts (6 → 自行脱党 handling; warning
from 3). An exemption (approved, or a 流动党员 paying elsewhere) covers months and stops the count.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum

__all__ = [
    "BACKPAY_MAX_MONTHS",
    "FARMER_MAX_FEN",
    "FARMER_MIN_FEN",
    "FLAT_FEN",
    "DuesCategory",
    "DuesError",
    "ExemptionKind",
    "MemberArrears",
    "arrears_of",
    "dues_amount",
    "dues_rate_bp",
    "format_fen",
    "format_rate",
    "month_date",
    "month_index",
    "month_label",
    "parse_months",
    "parse_yuan",
]

FLAT_FEN = 20  # 0.20 yuan: students, people without a fixed income, on relief
FARMER_MIN_FEN, FARMER_MAX_FEN = 20, 100  # farmers: 0.20 – 1.00 yuan
BACKPAY_MAX_MONTHS = 6  # back-payment of more than six months is flagged
WARN_MONTHS, LAPSE_MONTHS = 3, 6  # MEM-DUES-6M: warning from 3 consecutive months, finding at 6


class DuesError(ValueError):
    """A dues value that cannot be accepted; the message is Chinese and names the field."""


class DuesCategory(StrEnum):
    """Who a member is for the dues rules (the yearly assessment's 人员类别)."""

    EMPLOYED = "employed"
    RETIRED = "retired"
    STUDENT = "student"
    NO_INCOME = "no_income"
    RELIEF = "relief"
    FARMER = "farmer"

    @property
    def label(self) -> str:
        return CATEGORY_LABELS[self]

    @classmethod
    def from_label(cls, text: str) -> DuesCategory:
        t = (text or "").strip()
        for c in cls:
            if t in (c.value, c.label) or t in _CATEGORY_ALIASES.get(c, ()):
                return c
        raise DuesError(f"人员类别“{text}”不可识别（可用：{'、'.join(c.label for c in cls)}）")

    @property
    def has_basis(self) -> bool:
        """A percentage of a basis (pay or pension), not a flat amount."""
        return self in (DuesCategory.EMPLOYED, DuesCategory.RETIRED)


CATEGORY_LABELS = {
    DuesCategory.EMPLOYED: "在职",
    DuesCategory.RETIRED: "离退休",
    DuesCategory.STUDENT: "学生",
    DuesCategory.NO_INCOME: "无固定收入",
    DuesCategory.RELIEF: "享受低保",
    DuesCategory.FARMER: "农民",
}
_CATEGORY_ALIASES = {
    DuesCategory.EMPLOYED: ("在职职工", "在职人员", "职工"),
    DuesCategory.RETIRED: ("离休", "退休", "离退休干部"),
    DuesCategory.STUDENT: ("学生党员", "在校学生"),
    DuesCategory.NO_INCOME: ("下岗失业", "无收入", "失业"),
    DuesCategory.RELIEF: ("低保", "领取救济"),
    DuesCategory.FARMER: ("农民党员",),
}


class ExemptionKind(StrEnum):
    """Why months are not owed here (a recorded reason stops MEM-DUES-6M)."""

    APPROVED = "approved"  # 经批准减免
    ELSEWHERE = "elsewhere"  # 流动党员在流入地交纳

    @property
    def label(self) -> str:
        return {"approved": "经批准减免", "elsewhere": "在外地交纳"}[self.value]


# ---------------------------------------------------------------------------- brackets


def dues_rate_bp(category: DuesCategory | str, basis_fen: int | None) -> int | None:
    """The rate in basis points (0.5 % = 50) for a category and monthly basis; None for the flat
    categories (students, no income, relief, farmers)."""
    category = DuesCategory(category)
    if not category.has_basis:
        return None
    if basis_fen is None:
        raise DuesError(f"{category.label}党员的党费按计缴基数计算，请填写计缴基数")
    if basis_fen < 0:
        raise DuesError("计缴基数不能为负数")
    if category is DuesCategory.RETIRED:
        return 50 if basis_fen <= 500_000 else 100
    if basis_fen <= 300_000:
        return 50
    if basis_fen <= 500_000:
        return 100
    if basis_fen <= 1_000_000:
        return 150
    return 200


def dues_amount(
    category: DuesCategory | str, basis_fen: int | None = None, *, farmer_fen: int | None = None
) -> int:
    """Monthly dues in fen: the basis times the bracket's rate rounded half up to the fen; 20 fen for
    students, those without a fixed income and those on relief; for farmers ``farmer_fen`` (20–100,
    default 20)."""
    category = DuesCategory(category)
    if category is DuesCategory.FARMER:
        amount = FARMER_MIN_FEN if farmer_fen is None else farmer_fen
        if not FARMER_MIN_FEN <= amount <= FARMER_MAX_FEN:
            raise DuesError("农民党员每月交纳党费0.20元至1.00元")
        return amount
    rate = dues_rate_bp(category, basis_fen)
    if rate is None:
        return FLAT_FEN
    assert basis_fen is not None
    return (basis_fen * rate + 5000) // 10000


def format_rate(rate_bp: int | None) -> str:
    """ "0.5%", "1%", "1.5%", "2%"; "" for a flat amount."""
    if rate_bp is None:
        return ""
    whole, part = divmod(rate_bp, 100)
    return f"{whole}.{part:02d}".rstrip("0").rstrip(".") + "%"


def format_fen(fen: int | None) -> str:
    """12750 → "127.50"; None → ""."""
    if fen is None:
        return ""
    sign = "-" if fen < 0 else ""
    yuan, cents = divmod(abs(fen), 100)
    return f"{sign}{yuan}.{cents:02d}"


def parse_yuan(value: object, *, what: str = "金额") -> int:
    """A yuan amount (text or number, at most two decimals) as integer fen; DuesError otherwise."""
    from decimal import Decimal, InvalidOperation

    if isinstance(value, bool) or value is None:
        raise DuesError(f"{what}不能为空")
    text = str(value).strip().replace(",", "").replace("，", "").removesuffix("元").strip()
    if isinstance(value, float):
        text = repr(value)
    try:
        amount = Decimal(text)
    except InvalidOperation:
        raise DuesError(f"{what}“{value}”不是金额") from None
    if not amount.is_finite():
        raise DuesError(f"{what}“{value}”不是金额")
    fen = amount * 100
    if fen != fen.to_integral_value():
        # floats from a spreadsheet: 12.3 may arrive as 12.299999999999999
        rounded = fen.quantize(Decimal(1))
        if isinstance(value, float) and abs(fen - rounded) < Decimal("0.0001"):
            fen = rounded
        else:
            raise DuesError(f"{what}“{value}”最多两位小数（到分）")
    if fen < 0:
        raise DuesError(f"{what}不能为负数")
    return int(fen)


# ---------------------------------------------------------------------------- months


def month_index(d: dt.date | tuple[int, int]) -> int:
    """2026-03-xx → 2026*12 + 2."""
    if isinstance(d, tuple):
        return d[0] * 12 + d[1] - 1
    return d.year * 12 + d.month - 1


def month_date(index: int) -> dt.date:
    """The first day of a month index."""
    year, month0 = divmod(index, 12)
    return dt.date(year, month0 + 1, 1)


def month_end(index: int) -> dt.date:
    return month_date(index + 1) - dt.timedelta(days=1)


def month_label(index: int) -> str:
    d = month_date(index)
    return f"{d.year}年{d.month}月"


def months_text(months: Iterable[int]) -> str:
    """Months as runs: "2026年1月至3月、2026年5月"."""
    ms = sorted(set(months))
    runs: list[tuple[int, int]] = []
    for m in ms:
        if runs and runs[-1][1] == m - 1:
            runs[-1] = (runs[-1][0], m)
        else:
            runs.append((m, m))
    parts = []
    for a, b in runs:
        if a == b:
            parts.append(month_label(a))
        else:
            da, db = month_date(a), month_date(b)
            parts.append(
                f"{month_label(a)}至{db.month}月"
                if da.year == db.year
                else f"{month_label(a)}至{month_label(b)}"
            )
    return "、".join(parts)


def parse_months(text: str, *, year: int | None = None) -> list[int]:
    """Months written as "2026-01~2026-03", "2026年1月至3月", "2026-05", "1-3" (with ``year``), separated
    by 、 , ; or spaces. DuesError names what could not be read."""
    import re

    out: list[int] = []
    t = (text or "").strip()
    if not t:
        raise DuesError("所属月份不能为空")
    for part in re.split(r"[、,，;；\s]+", t):
        if not part:
            continue
        m = re.fullmatch(
            r"(?:(\d{4})\s*[-年./]\s*)?(\d{1,2})\s*月?(?:\s*(?:~|～|至|到|-|—)\s*(?:(\d{4})\s*[-年./]\s*)?(\d{1,2})\s*月?)?",
            part,
        )
        if not m:
            raise DuesError(f"所属月份“{part}”不可识别（例如 2026-01~2026-03 或 2026年1月至3月）")
        y1 = int(m.group(1)) if m.group(1) else year
        if y1 is None:
            raise DuesError(f"所属月份“{part}”缺少年份")
        m1 = int(m.group(2))
        if m.group(4):
            y2 = int(m.group(3)) if m.group(3) else y1
            m2 = int(m.group(4))
        else:
            y2, m2 = y1, m1
        if not (1 <= m1 <= 12 and 1 <= m2 <= 12):
            raise DuesError(f"所属月份“{part}”中的月份应在1至12之间")
        a, b = month_index((y1, m1)), month_index((y2, m2))
        if b < a:
            raise DuesError(f"所属月份“{part}”的结束月份早于开始月份")
        out.extend(range(a, b + 1))
    return sorted(set(out))


# ---------------------------------------------------------------------------- arrears


@dataclass(frozen=True)
class MemberArrears:
    """What one member owes up to a month: the months due and unpaid (not exempt), the amount, and the
    consecutive run ending at the last due month (what MEM-DUES-6M counts)."""

    member_id: int
    name: str
    unpaid: tuple[int, ...]  # month indexes
    amount_fen: int  # the dues of the unpaid months
    run: int  # consecutive unpaid months ending at the last due month
    run_since: int | None  # first month of that run
    exempt: tuple[int, ...] = ()  # months covered by an exemption (not owed)
    amounts: dict[int, int] = field(default_factory=dict, compare=False)  # month -> fen

    @property
    def months_text(self) -> str:
        return months_text(self.unpaid)


def arrears_of(
    member_id: int,
    name: str,
    due: range,
    paid: set[int] | frozenset[int],
    exempt: set[int] | frozenset[int] = frozenset(),
    monthly: dict[int, int] | None = None,
    default_fen: int = 0,
) -> MemberArrears:
    """Arrears over the months ``due`` (a range of month indexes, possibly empty) given the months
    ``paid`` and ``exempt``; ``monthly`` maps a month to its dues (``default_fen`` otherwise)."""
    monthly = monthly or {}
    unpaid = tuple(m for m in due if m not in paid and m not in exempt)
    run, since = 0, None
    if len(due):
        m = due[-1]
        while m >= due[0] and m not in paid and m not in exempt:
            run += 1
            since = m
            m -= 1
    amounts = {m: monthly.get(m, default_fen) for m in unpaid}
    return MemberArrears(
        member_id, name, unpaid, sum(amounts.values()), run, since,
        tuple(m for m in due if m in exempt), amounts,
    )  # fmt: skip
