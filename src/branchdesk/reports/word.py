"""Word documents (.docx) filled from templates the branch can edit (issue 17).

A template is an ordinary Word document with fields written as ``{{姓名}}``, ``{{支部名称}}`` … in its
text, tables, headers and footers. Filling replaces each field with its value (line breaks in a value
become line breaks in Word), keeping the formatting of the run where the field starts, even when Word
has split the field over several runs (as it does after an edit). A template that names a field the
document does not know is refused with the field named, before anything is written.

The shipped templates live in ``resources/templates/docs/``; the first use copies them to the data
folder (``<data dir>/templates/docs``), where the branch edits them; `reset_templates` puts the shipped
ones back. python-docx is imported only when a document is made.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

FIELD = re.compile(r"\{\{\s*([^{}\s]+?)\s*\}\}")
TEMPLATES_SUBDIR = ("templates", "docs")


class TemplateError(ValueError):
    """A template that cannot be filled; ``str(error)`` is one Chinese line naming the problem."""


# ---------------------------------------------------------------------------- where templates live
def shipped_dir() -> Path:
    from branchdesk.resources import resources_dir

    return resources_dir().joinpath(*TEMPLATES_SUBDIR)


def user_dir() -> Path:
    from branchdesk.config import data_dir

    return data_dir().joinpath(*TEMPLATES_SUBDIR)


def template_path(name: str) -> Path:
    """The branch's copy of template `name` (copied from the shipped one on first use)."""
    own = user_dir() / f"{name}.docx"
    if not own.exists():
        shipped = shipped_dir() / f"{name}.docx"
        if not shipped.exists():
            raise TemplateError(f"缺少文书模板：{shipped}")
        own.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(shipped, own)
    return own


def reset_templates(names: Iterable[str]) -> list[Path]:
    """Put the shipped templates `names` back in the data folder (the branch's edits are replaced)."""
    out = []
    for name in names:
        own = user_dir() / f"{name}.docx"
        own.unlink(missing_ok=True)
        out.append(template_path(name))
    return out


# ---------------------------------------------------------------------------- filling
def _paragraphs(document) -> Iterator[Any]:
    """Every paragraph of the body, its tables (nested too), headers and footers."""

    def of(container) -> Iterator[Any]:
        yield from container.paragraphs
        for table in getattr(container, "tables", []):
            for row in table.rows:
                for cell in row.cells:
                    yield from of(cell)

    yield from of(document)
    for section in document.sections:
        for part in (section.header, section.footer, section.first_page_header, section.first_page_footer):
            if part is not None and not part.is_linked_to_previous:
                yield from of(part)


def fields_of(path: str | Path) -> list[str]:
    """The fields a template uses, in order of first use."""
    from docx import Document as open_docx

    seen: dict[str, None] = {}
    for paragraph in _paragraphs(open_docx(str(path))):
        for match in FIELD.finditer(paragraph.text):
            seen.setdefault(match.group(1), None)
    return list(seen)


def check_template(path: str | Path, known: Iterable[str]) -> None:
    """Refuse a template with a field the document does not know (named, with those it knows)."""
    known = list(known)
    unknown = [f for f in fields_of(path) if f not in known]
    if unknown:
        names = "、".join("{{" + f + "}}" for f in unknown)
        raise TemplateError(
            f"模板 {Path(path).name} 中的字段 {names} 无法填写（可用字段：{'、'.join(known)}）"
        )


def _set_text(run, text: str) -> None:
    """A run's text, with line breaks as Word line breaks."""
    parts = text.split("\n")
    run.text = parts[0]
    for part in parts[1:]:
        run.add_break()
        run.add_text(part)


def _fill_paragraph(paragraph, values: Mapping[str, str]) -> None:
    runs = list(paragraph.runs)
    texts = [r.text for r in runs]
    joined = "".join(texts)
    if "{{" not in joined:
        return
    matches = list(FIELD.finditer(joined))
    if not matches:
        return
    # the offset where each run starts in the joined text
    starts, at = [], 0
    for t in texts:
        starts.append(at)
        at += len(t)

    def run_at(offset: int) -> int:
        """The run holding the character at `offset` of the joined text."""
        for i, start in enumerate(starts):
            if start <= offset < start + len(texts[i]):
                return i
        return len(texts) - 1

    new = list(texts)
    # from the last field to the first, so that earlier offsets stay valid
    for match in reversed(matches):
        first, last = run_at(match.start()), run_at(match.end() - 1)
        value = values[match.group(1)]
        head = new[first][: match.start() - starts[first]]
        tail = new[last][match.end() - starts[last] :]
        if first == last:
            new[first] = head + value + tail
        else:
            new[first] = head + value
            for i in range(first + 1, last):
                new[i] = ""
            new[last] = tail
    for run, old, text in zip(runs, texts, new, strict=True):
        if text != old or "\n" in text:
            _set_text(run, text)


def fill_template(template: str | Path, values: Mapping[str, Any], out: str | Path) -> Path:
    """Write `template` filled with `values` (field name → value; None prints as blank) to `out`."""
    from docx import Document as open_docx

    check_template(template, values)
    texts = {k: "" if v is None else str(v) for k, v in values.items()}
    document = open_docx(str(template))
    for paragraph in _paragraphs(document):
        _fill_paragraph(paragraph, texts)
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".part")
    document.save(str(tmp))
    tmp.replace(out)
    return out
