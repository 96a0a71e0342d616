"""The dues area's paragraph of the annual summary (issues 14, 16): 党费 collected, remitted and kept, and
how many members paid on time (the metric ``dues.on_time`` of ``services/dues_readiness.py``, which also
gives the 工作台 its dues to-dos). Qt-free; appended to ``annual_summary.SECTIONS`` on import."""

from __future__ import annotations

from typing import TYPE_CHECKING

from branchdesk.domain.dues import format_fen

if TYPE_CHECKING:
    from branchdesk.workspace import Workspace


def dues_section(ws: Workspace, year: int) -> str:
    collected, remitted, kept = ws.dues.balance(year)
    if not collected and not remitted:
        return ""
    text = f"党费收缴：全年收缴党费{format_fen(collected)}元，上缴{format_fen(remitted)}元"
    if kept:
        text += f"，结存{format_fen(kept)}元"
    metric = ws.readiness.metrics(year, names={"dues.on_time"}).get("dues.on_time")
    if metric is not None:
        text += f"；{metric.summary}"
    return text + "。"


def _register() -> None:
    from branchdesk.services import annual_summary

    if dues_section not in annual_summary.SECTIONS:
        annual_summary.SECTIONS.insert(0, dues_section)


_register()
