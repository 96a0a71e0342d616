"""Sharing a table's width among its wrapping columns, for both writers.

Texts are measured as paragraphs (their lines as written), each the width of its characters in
"em" (PDF: of the font size; Excel: of a column-width unit); a column's width counts its cell padding
``pad`` in the same unit as the widths.
"""

from __future__ import annotations

import math

BALANCE_ROWS = 240  # rows sampled to share the width


def _need(cell: tuple[float, ...], lines: int, size: float, pad: float) -> float:
    """About the width a cell needs to fit in `lines` lines (its longest paragraph when it cannot)."""
    if not cell:
        return 0.0
    longest = max(cell)
    if len(cell) >= lines:
        return longest * size + pad
    spare = lines - len(cell) + 1  # lines the longest paragraph may take
    em = max(sum(cell) / lines, longest / spare)
    return (em + (0.6 if lines > 1 else 0.0)) * size + pad  # a break rarely falls at the very end


def estimated_lines(
    cells: list[list[tuple[float, ...]]], widths: list[float], size: float, pad: float
) -> int:
    """Lines of all rows (each row as tall as its tallest cell) for the columns at `widths`."""
    per_column = []
    for column, width in zip(cells, widths, strict=True):
        inner = max(width - pad, size) / size
        per_column.append([sum(max(1, math.ceil(p / inner - 0.02)) for p in cell) for cell in column])
    return sum(max(row, default=1) or 1 for row in zip(*per_column, strict=True))


def share_widths(cells: list[list[tuple[float, ...]]], floors: list[float], caps: list[float], budget: float,
                 *, size: float = 1.0, pad: float = 0.0) -> list[float]:  # fmt: skip
    """Widths of the wrapping columns (each between its floor and its cap, the width of its longest
    text) within `budget` that make their rows the fewest lines. `cells[i]` holds column i's texts.

    Candidates: for a share q of the rows (half, three quarters, nine in ten, all) the fewest lines L
    such that every column gets the width its q-th row needs for L lines; what is left of the budget
    goes first to a column a few characters short of its longest text, then to every column still
    short of its longest, in proportion. The candidate whose rows take the fewest lines (estimated
    on a sample) wins.
    """
    if sum(caps) <= budget:
        return list(caps)
    if len(cells[0]) > BALANCE_ROWS:
        step = len(cells[0]) / BALANCE_ROWS
        cells = [[column[int(k * step)] for k in range(BALANCE_ROWS)] for column in cells]
    count = len(cells[0])

    def fill(widths: list[float]) -> list[float]:
        left = budget - sum(widths)
        # a column a few characters short of its longest text gets them first (第七党小组 on one line)
        for i in sorted(range(len(widths)), key=lambda k: caps[k] - widths[k]):
            short = caps[i] - widths[i]
            if 0 < short <= min(left, 3 * size):
                widths = [*widths[:i], caps[i], *widths[i + 1 :]]
                left -= short
        deficit = sum(c - w for c, w in zip(caps, widths, strict=True))
        if left <= 0 or deficit <= 0:
            return widths
        ratio = min(1.0, left / deficit)
        return [w + (c - w) * ratio for w, c in zip(widths, caps, strict=True)]

    candidates = [fill(list(floors))]
    pending = {min(count - 1, int(count * share)) for share in (0.5, 0.75, 0.9, 1.0)} if count else set()
    lines = 0
    while pending and lines < 15:
        lines += 1
        needs = [sorted(_need(cell, lines, size, pad) for cell in column) for column in cells]
        for index in sorted(pending):
            widths = [min(cap, max(floor, column_needs[index]))
                      for column_needs, floor, cap in zip(needs, floors, caps, strict=True)]  # fmt: skip
            if sum(widths) <= budget:
                candidates.append(fill(widths))
                pending.discard(index)
    if len(candidates) == 1 or not count:
        return candidates[0]
    return min(candidates, key=lambda widths: estimated_lines(cells, widths, size, pad))
