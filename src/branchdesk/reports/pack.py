"""The inspection pack (迎检资料包): every ledger of a period in one folder, ready to hand over.

    result = build_pack(ws, Period.year(2026), Path("D:/迎检"), mask="full", as_zip=False)

writes ``D:/迎检/迎检资料-<支部>-2026年度/`` holding

- ``2026年度台账汇编.pdf``: every ledger of the registry marked ``in_pack``, in registry order, behind a
  title page and a table of contents, with a bookmark per ledger and per document;
- ``2026年度台账汇编.xlsx``: the same ledgers, one sheet each;
- ``文件清单.pdf``: a printable page listing the files with their size and SHA-256 (and where each
  ledger starts in the PDF), with lines for the people handing over and receiving it;
- ``索引.csv``: the same list for a machine (UTF-8 with BOM so that Excel opens it right), which also
  covers 文件清单.pdf.

With ``as_zip`` the folder is delivered as ``<name>.zip`` instead (the zip holds the folder).

Nothing half-written is ever left behind: the files are written into a hidden staging folder next to
the target and renamed into place at the end; an error or a cancel removes the staging folder. An
existing pack is never overwritten: a new one is named ``…（2）``.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import hashlib
import os
import re
import shutil
import tempfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from branchdesk.reports.registry import LedgerSpec, Period, build, ledger_specs, shared_reads

if TYPE_CHECKING:
    from branchdesk.reports.ledger import Report
    from branchdesk.reports.pdf import PdfResult
    from branchdesk.workspace import Workspace

Progress = Callable[..., None]

INDEX_CSV = "索引.csv"
LISTING_PDF = "文件清单.pdf"
PACK_PREFIX = "迎检资料"
_STAGING_PREFIX = ".迎检资料-正在生成-"
_BAD_NAME_CHARS = re.compile(r'[\\/:*?"<>|\x00-\x1f]')

# Share of the progress bar each phase takes (out of _SCALE).
_SCALE = 1000
_PHASES = {"build": (0, 300), "pdf": (300, 750), "xlsx": (750, 950), "index": (950, 1000),
           "write": (300, 1000)}  # fmt: skip  # "write": the one file of export_ledgers


class PackCancelled(Exception):
    """The user cancelled a pack or an export; nothing was left on disk."""


@dataclass(frozen=True)
class PackFile:
    name: str  # inside the pack folder
    size: int  # bytes
    sha256: str
    content: str  # what it holds, in Chinese


@dataclass
class Exported:
    """What `export_ledgers` wrote."""

    path: Path
    pages: int = 0  # PDF pages (0 for a workbook)
    missing: dict[str, set[str]] = field(default_factory=dict)  # report -> characters the font lacks
    holders: list[str] = field(default_factory=list)  # the texts (names) holding those characters

    def warning(self) -> str:
        return missing_glyphs_text(self.missing, self.holders)


@dataclass
class PackResult:
    path: Path  # the pack folder, or the zip file with ``as_zip``
    name: str  # the pack's folder name (also the zip's top folder)
    files: list[PackFile]  # every file of the pack but 索引.csv itself, in writing order
    ledgers: list[LedgerSpec]  # the ledgers inside, in order
    starts: list[tuple[LedgerSpec, int]]  # each ledger and the PDF page it starts on
    pdf: PdfResult
    missing: dict[str, set[str]] = field(default_factory=dict)  # characters the PDF font lacks
    holders: list[str] = field(default_factory=list)  # the texts (names) holding them

    def warning(self) -> str:
        """The missing-glyph warning ("" when every character printed)."""
        return missing_glyphs_text(self.missing, self.holders)

    @property
    def is_zip(self) -> bool:
        return self.path.suffix.lower() == ".zip"

    def describe(self) -> list[str]:
        """Lines for the user: where the pack went and what it holds (see `missing_glyphs_text`)."""
        where = "压缩文件" if self.is_zip else "文件夹"
        lines = [f"迎检资料包已生成（{where}）：{self.path}"]
        for f in [*self.files, PackFile(INDEX_CSV, 0, "", "各文件的大小和 SHA-256 校验值")]:
            size = f"（{human_size(f.size)}）" if f.size else ""
            lines.append(f"  {f.name}{size}：{f.content}")
        return lines


def human_size(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / 1024 / 1024:.1f} MB"
    return f"{max(1, round(size / 1024))} KB"


def missing_glyphs_text(missing: dict[str, set[str]], holders: list[str] | None = None) -> str:
    """One warning naming the characters the bundled font lacks, who (which texts) they are in, and
    the ledgers concerned; "" when nothing is missing."""
    if not missing:
        return ""
    chars = sorted(set().union(*missing.values()))
    who = f"（见：{'、'.join(holders)}）" if holders else ""
    return (
        f"注意：打印字库中没有“{'”“'.join(chars)}”字{who}，PDF 和打印件中印成“〓”，"
        f"请在纸质台账上手工补写。涉及：{'、'.join(missing)}。"
    )


def missing_holders(reports: list[Report], missing: dict[str, set[str]], limit: int = 12) -> list[str]:
    """The short texts (names, mostly) in `reports` that hold a character the font lacks."""
    from branchdesk.reports.ledger import Document, Fields, Ledger, Table

    chars = set().union(*missing.values()) if missing else set()
    if not chars:
        return []
    found: dict[str, None] = {}

    def look(value: Any) -> None:
        if isinstance(value, str) and len(value) <= 20 and not chars.isdisjoint(value):
            found.setdefault(value, None)

    for report in reports:
        if isinstance(report, Ledger):
            for row in report.rows:
                for value in row:
                    look(value)
        elif isinstance(report, Document):
            look(report.subject)
            for block in report.blocks:
                if isinstance(block, Fields):
                    for _, value in block.items:
                        look(value)
                elif isinstance(block, Table):
                    for row in block.rows:
                        for value in row:
                            look(value)
        if len(found) >= limit:
            break
    return list(found)[:limit]


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1024 * 1024), b""):
            digest.update(chunk)
    return digest.hexdigest()


def safe_file_name(text: str) -> str:
    """`text` usable as a file or folder name on Windows, macOS and Linux."""
    return _BAD_NAME_CHARS.sub("_", text).strip(" .") or "台账"


def pack_name(branch_name: str, period: Period, mask: str) -> str:
    """迎检资料-<支部>-2026年度 (…-脱敏 for the public profile)."""
    name = f"{PACK_PREFIX}-{branch_name}-{period.label}"
    if mask != "full":
        name += "-脱敏"
    return safe_file_name(name)


def cover_title(period: Period) -> str:
    """The title page's title (the PDF writer prints the branch under it)."""
    return f"{period.label}党支部工作台账"


def pack_specs(extra: Sequence[str] = ()) -> list[LedgerSpec]:
    """The ledgers an inspection pack holds, in order; `extra` adds ledgers left out unless chosen
    (检查情况汇总: the branch's self-check is for the branch)."""
    return [s for s in ledger_specs() if s.in_pack or s.key in extra]


def optional_pack_specs() -> list[LedgerSpec]:
    """The ledgers a pack holds only when chosen."""
    return [s for s in ledger_specs() if not s.in_pack]


def _free_name(out_dir: Path, name: str, suffix: str) -> str:
    """`name`, or `name（2）`, `name（3）` … so that no existing pack is overwritten."""
    candidate, counter = name, 2
    while (out_dir / f"{candidate}{suffix}").exists():
        candidate = f"{name}（{counter}）"
        counter += 1
    return candidate


class _Steps:
    """Maps each phase's own progress (done/total) onto one bar of _SCALE steps."""

    def __init__(
        self, progress: Progress | None, cancelled: Callable[[], bool] | None, message: str = "已取消生成。"
    ):
        self.progress = progress
        self.cancelled = cancelled or (lambda: False)
        self.message = message
        self.font = "sans"  # the PDFs' face: "sans" or "serif" (宋体 style)

    def check(self) -> None:
        if self.cancelled():
            raise PackCancelled(self.message)

    def at(self, phase: str, fraction: float, text: str) -> None:
        if self.progress is not None:
            start, end = _PHASES[phase]
            self.progress(start + round((end - start) * min(max(fraction, 0.0), 1.0)), _SCALE, text)

    @contextlib.contextmanager
    def removing_on_failure(self, remove: Callable[[], None]) -> Iterator[None]:
        """Run the block; on any error or cancel call `remove` (the half-written output) and re-raise,
        as `PackCancelled` when the user had cancelled (a writer's own "cancelled" exception too)."""
        try:
            yield
        except BaseException as exc:
            remove()
            if not isinstance(exc, PackCancelled) and self.cancelled():
                raise PackCancelled(self.message) from exc
            raise

    def write_pdf(
        self, reports: list[Report], path: Path, *, title: str, toc: bool, invariant: bool, phase: str = "pdf"
    ):
        from branchdesk.reports.pdf import write_pdf

        self.check()
        return write_pdf(reports, path, title=title, toc=toc, progress=self.sub(phase, "正在生成 PDF"),
                         cancelled=self.cancelled, invariant=invariant, font=self.font)  # fmt: skip

    def write_xlsx(self, reports: list[Report], path: Path, *, phase: str = "xlsx") -> None:
        from branchdesk.reports.xlsx import write_xlsx

        self.check()
        write_xlsx(reports, path, progress=self.sub(phase, "正在生成 Excel"), cancelled=self.cancelled)

    def sub(self, phase: str, prefix: str) -> Progress:
        """A progress callback for a writer, reported as part of `phase`."""

        def report(done: Any, total: Any = None, text: str = "") -> None:
            if total:
                fraction = done / total
            elif isinstance(done, float) and 0.0 <= done <= 1.0:
                fraction = done
            else:
                fraction = 0.0
            self.at(phase, fraction, f"{prefix}：{text}" if text else prefix)

        return report


def build_pack(
    ws: Workspace,
    period: Period,
    out_dir: str | Path,
    *,
    mask: str = "full",
    as_zip: bool = False,
    today: dt.date | None = None,
    progress: Progress | None = None,
    cancelled: Callable[[], bool] | None = None,
    invariant: bool = False,
    extra: Sequence[str] = (),
    font: str = "sans",
) -> PackResult:
    """Write the inspection pack for `period` into a new folder (or zip) under `out_dir`.

    `mask` is a key of ``reports.ledger.MASK_PROFILES``. ``progress(done, total, text)`` is told about
    each ledger and each writer; once ``cancelled()`` turns true the work stops, the staging folder is
    removed and `PackCancelled` is raised. `invariant` makes the PDFs byte-for-byte reproducible.
    """
    from branchdesk.reports.ledger import MASK_PROFILES

    if mask not in MASK_PROFILES:
        raise ValueError(f"未知的脱敏方式：{mask}（可用：{'、'.join(MASK_PROFILES)}）")
    today = today or dt.date.today()
    steps = _Steps(progress, cancelled, "已取消生成迎检资料包。")
    steps.font = font
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    from branchdesk.services.leftovers import remove_leftovers

    remove_leftovers(out_dir)  # staging folders of an interrupted pack
    branch_name = ws.branch.profile().name
    name = pack_name(branch_name, period, mask)

    staging = Path(tempfile.mkdtemp(prefix=_STAGING_PREFIX, dir=out_dir))
    with steps.removing_on_failure(lambda: shutil.rmtree(staging, ignore_errors=True)):
        folder = staging / name
        folder.mkdir()
        specs = pack_specs(extra)
        reports, firsts = _build_reports(ws, specs, period, mask, today, steps)
        files, pdf, starts = _write_files(folder, reports, firsts, branch_name, period, mask, today, steps,
                                          invariant, _audit_head_text(ws.db))  # fmt: skip
        steps.check()
        if as_zip:
            final_name = _free_name(out_dir, name, ".zip")
            target = out_dir / f"{final_name}.zip"
            staged = staging / f"{final_name}.zip"
            _zip_folder(folder, staged, top=final_name)
        else:
            final_name = _free_name(out_dir, name, "")
            target = out_dir / final_name
            staged = folder
        steps.check()
        os.replace(staged, target)  # the pack appears whole, or not at all
    shutil.rmtree(staging, ignore_errors=True)
    steps.at("index", 1.0, "迎检资料包已生成")
    return PackResult(
        path=target,
        name=final_name,
        files=files,
        ledgers=specs,
        starts=starts,
        pdf=pdf,
        missing=dict(pdf.missing),
        holders=missing_holders(reports, pdf.missing),
    )


def _build_reports(
    ws: Workspace, specs: list[LedgerSpec], period: Period, mask: str, today: dt.date, steps: _Steps
) -> tuple[list[Report], list[tuple[LedgerSpec, int]]]:
    """The papers of every ledger in order, and (ledger, index of its first paper) for each."""
    reports: list[Report] = []
    firsts: list[tuple[LedgerSpec, int]] = []
    with shared_reads():  # the meeting ledgers read the period's meetings once
        for number, s in enumerate(specs):
            steps.check()
            steps.at("build", number / len(specs), f"正在整理{s.title}（{number + 1}/{len(specs)}）…")
            built = build(ws, s.key, period, mask=mask, today=today)
            if built:
                firsts.append((s, len(reports)))
            reports.extend(built)
    steps.at("build", 1.0, "台账已整理完毕")
    return reports, firsts


def export_ledgers(
    ws: Workspace,
    keys: list[str],
    period: Period,
    path: str | Path,
    *,
    fmt: str = "pdf",
    mask: str = "full",
    title: str = "",
    toc: bool = False,
    today: dt.date | None = None,
    progress: Progress | None = None,
    cancelled: Callable[[], bool] | None = None,
    invariant: bool = False,
    font: str = "sans",
) -> Exported:
    """Write the ledgers `keys` (registry keys, in that order) for `period` to one PDF or xlsx file.

    The file appears whole or not at all: it is written under a temporary name beside `path` and
    renamed at the end; a cancel (`PackCancelled`) or an error leaves nothing behind. A PDF's result
    holds its page count and the characters its font lacked (with the names holding them).
    """
    from branchdesk.reports.registry import spec

    if fmt not in ("pdf", "xlsx"):
        raise ValueError(f"未知的文件格式：{fmt}")
    today = today or dt.date.today()
    path = Path(path)
    steps = _Steps(progress, cancelled)
    steps.font = font
    specs = [spec(key) for key in keys]
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=".正在生成-", suffix=f".{fmt}", dir=path.parent)
    os.close(handle)
    staged = Path(temporary)
    with steps.removing_on_failure(lambda: staged.unlink(missing_ok=True)):
        reports, _ = _build_reports(ws, specs, period, mask, today, steps)
        if fmt == "pdf":
            pdf = steps.write_pdf(reports, staged, title=title, toc=toc, invariant=invariant, phase="write")
            result = Exported(path, pdf.pages, dict(pdf.missing), missing_holders(reports, pdf.missing))
        else:
            steps.write_xlsx(reports, staged, phase="write")
            result = Exported(path)
        steps.check()
        os.replace(staged, path)
    steps.at("write", 1.0, "已完成")
    return result


def _write_files(
    folder: Path,
    reports: list[Report],
    firsts: list[tuple[LedgerSpec, int]],
    branch_name: str,
    period: Period,
    mask: str,
    today: dt.date,
    steps: _Steps,
    invariant: bool,
    audit_head: str = "",
) -> tuple[list[PackFile], PdfResult, list[tuple[LedgerSpec, int]]]:
    from branchdesk.reports.ledger import MASK_PROFILES
    from branchdesk.reports.pdf import write_pdf

    base = safe_file_name(f"{period.label}台账汇编")
    profile = MASK_PROFILES[mask]

    pdf_path = folder / f"{base}.pdf"
    pdf = steps.write_pdf(reports, pdf_path, title=cover_title(period), toc=True, invariant=invariant)
    xlsx_path = folder / f"{base}.xlsx"
    steps.write_xlsx(reports, xlsx_path)
    steps.check()
    steps.at("index", 0.0, "正在计算校验值…")

    # the writer's outline holds one entry per paper, in order: where each ledger's first paper starts
    starts = [(s, pdf.outline[first][1]) for s, first in firsts]
    files = [
        _entry(pdf_path, f"全部台账，共 {pdf.pages} 页，含封面、目录和书签"),
        _entry(xlsx_path, "同样的台账，每张台账一个工作表"),
    ]
    listing = _listing_document(files, starts, branch_name, period, today, profile, audit_head)
    write_pdf([listing], folder / LISTING_PDF, invariant=invariant)
    files.append(_entry(folder / LISTING_PDF, "本清单，可打印，移交时双方签字"))
    _write_index_csv(folder / INDEX_CSV, files)
    return files, pdf, starts


def _entry(path: Path, content: str) -> PackFile:
    return PackFile(path.name, path.stat().st_size, sha256_of(path), content)


def _listing_document(
    files: list[PackFile],
    starts: list[tuple[LedgerSpec, int]],
    branch_name: str,
    period: Period,
    today: dt.date,
    profile: str,
    audit_head: str = "",
):
    """文件清单 as a document: the files with size and checksum, then the ledgers of the PDF with the
    page each starts on, how to check a checksum, and lines for both signatures."""
    from branchdesk.reports.ledger import Column, Document, Heading, Paragraph, Table

    file_columns = [
        Column("seq", "序号", "int", 4),
        Column("name", "文件名", "text", 22, wrap=True),
        Column("content", "内容", "text", 20, wrap=True),
        Column("size", "大小", "text", 8),
        Column("sha256", "SHA-256 校验值", "text", 34, wrap=True),
    ]
    file_rows = [
        [seq, f.name, f.content, human_size(f.size), _grouped(f.sha256)] for seq, f in enumerate(files, 1)
    ]
    pdf_name = files[0].name if files else ""
    contents_columns = [Column("seq", "序号", "int", 4), Column("title", "台账", "text", 30),
                        Column("page", "起始页", "int", 8)]  # fmt: skip
    contents_rows = [[seq, s.title, page] for seq, (s, page) in enumerate(starts, 1)]
    return Document(
        key="pack_listing",
        title="迎检资料文件清单",
        branch_name=branch_name,
        period=period.label,
        blocks=[
            Paragraph(profile, label="用途："),
            Heading("一、文件"),
            Table(file_columns, file_rows),
            Heading(f"二、{pdf_name} 所含台账"),
            Table(contents_columns, contents_rows),
            Heading("三、核对方法"),
            Paragraph(
                "校验值用于核对文件移交后没有被改动：在 Windows 中打开文件所在的文件夹，在地址栏输入 cmd "
                "回车，再输入 certutil -hashfile 文件名 SHA256，显示的校验值应与上表一致"
                "（索引.csv 中也有这些校验值）。"
            ),
            *([Paragraph(audit_head, label="审计日志：")] if audit_head else []),
        ],
        printed_on=today,
        orientation="portrait",
        signatures=["移交人", "接收人"],
    )


def _audit_head_text(db) -> str:
    """The audit chain's head when the pack was made (an anchor kept on paper: services/anchor)."""
    from branchdesk.services.anchor import head_of

    with db.engine.connect() as conn:
        seq, digest = head_of(conn)
    if not seq:
        return ""
    return (f"生成本资料包时数据库共有 {seq} 条审计记录，末条（第 {seq} 条）的校验值为 {_grouped(digest)}。"
            "日后校验数据库时，第 {seq} 条审计记录的校验值应与此一致。").replace("{seq}", str(seq))  # fmt: skip


def _grouped(digest: str) -> str:
    """The digest in groups of 8 so that a reader can compare it by eye (and a cell can wrap it)."""
    return " ".join(digest[i : i + 8] for i in range(0, len(digest), 8))


def _write_index_csv(path: Path, files: list[PackFile]) -> None:
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\r\n")
        writer.writerow(["文件名", "大小（字节）", "SHA-256", "内容"])
        for f in files:
            writer.writerow([f.name, f.size, f.sha256, f.content])


def read_index(path: Path) -> list[PackFile]:
    """The files listed in a pack's 索引.csv (to verify a pack that was handed over)."""
    with Path(path).open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    return [PackFile(name, int(size), sha, content) for name, size, sha, content in rows[1:]]


def _zip_folder(folder: Path, target: Path, *, top: str) -> None:
    import zipfile

    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(folder.iterdir()):
            archive.write(path, f"{top}/{path.name}")
