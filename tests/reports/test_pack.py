"""The inspection pack (迎检资料包) built from a demo branch, checked as the inspector would check it."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from branchdesk.reports.ledger import Document
from branchdesk.reports.pack import (
    INDEX_CSV,
    LISTING_PDF,
    PackCancelled,
    build_pack,
    export_ledgers,
    pack_specs,
    read_index,
)
from branchdesk.reports.registry import Period, build
from branchdesk.workspace import Workspace

TODAY = dt.date(2026, 11, 23)
YEAR = Period.year(2026)


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """A demo branch of 30 members with a year of meetings and development dossiers (built once)."""
    from branchdesk.config import resolve_location
    from branchdesk.db.migrate import open_database
    from branchdesk.services.demo import generate

    folder = tmp_path_factory.mktemp("demo")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("BRANCHDESK_DATA_DIR", str(folder / "data"))
        mp.delenv("BRANCHDESK_DB", raising=False)
        db, _ = open_database(resolve_location(str(folder / "demo.sqlite")), user="测试用户")
        generate(db, members=30, seed=3, today=TODAY)
        yield Workspace.open(db)
        db.dispose()


@pytest.fixture
def no_fallback_fonts(monkeypatch):
    """Only the bundled font: no system font stands in for a rare character, whatever the computer has."""
    from branchdesk.reports import fonts

    monkeypatch.setenv(fonts.FALLBACK_ENV, "none")
    fonts.forget_fallbacks()
    yield
    fonts.forget_fallbacks()  # looked up again once the environment is restored


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def pdf_text(path_or_bytes) -> str:
    source = io.BytesIO(path_or_bytes) if isinstance(path_or_bytes, bytes) else path_or_bytes
    return "\n".join(page.extract_text() or "" for page in PdfReader(source).pages)


def top_bookmarks(path: Path) -> list[tuple[str, int]]:
    """The top-level bookmarks: (title, 1-based page)."""
    reader = PdfReader(path)
    return [
        (item.title, reader.get_destination_page_number(item) + 1)
        for item in reader.outline
        if not isinstance(item, list)
    ]


@pytest.fixture(scope="module")
def full_pack(demo, tmp_path_factory):
    """One full pack of the demo branch (deterministic PDFs), with the progress it reported."""
    folder = tmp_path_factory.mktemp("pack")
    reports: list[tuple[int, int, str]] = []
    result = build_pack(
        demo,
        YEAR,
        folder,
        today=TODAY,
        invariant=True,
        progress=lambda d, t=None, x="": reports.append((d, t, x)),
    )
    return result, reports


def id_numbers(db) -> set[str]:
    from sqlalchemy import select

    from branchdesk.db.models import Member

    with db.read() as session:
        return {n for n in session.scalars(select(Member.id_number)) if n}


def test_the_pack_holds_every_ledger_in_order_with_a_title_page_contents_and_bookmarks(demo, full_pack):
    result, _ = full_pack
    folder = result.path.parent

    assert result.path == folder / "迎检资料-示范大学信息学院计算机系师生联合党支部-2026年度"
    assert sorted(p.name for p in folder.iterdir()) == [result.path.name]  # no staging folder left
    names = sorted(p.name for p in result.path.iterdir())
    assert names == sorted(["2026年度台账汇编.pdf", "2026年度台账汇编.xlsx", LISTING_PDF, INDEX_CSV])

    pdf = result.path / "2026年度台账汇编.pdf"
    reader = PdfReader(pdf)
    assert len(reader.pages) == result.pdf.pages
    front = "".join(pdf_text(_first_pages(reader, 2)).split())
    assert "示范大学信息学院计算机系师生联合党支部" in front and "目录" in front

    # every in-pack ledger is there, in registry order, each starting with a bookmark at its first page
    specs = pack_specs()
    assert len(specs) >= 3 and [s.key for s in result.ledgers] == [s.key for s in specs]
    assert [s.key for s, _ in result.starts] == [s.key for s in specs]
    pages = [page for _, page in result.starts]
    assert pages == sorted(pages) and pages[0] > 2  # after the title page and the contents
    marks = top_bookmarks(pdf)
    assert set(pages) <= {page for _, page in marks}
    marked = dict((page, title) for title, page in reversed(marks))  # the first bookmark on each page
    for spec, page in result.starts:
        first = build(demo, spec.key, YEAR, today=TODAY)[0]
        # the documents of one ledger (纪实表, the minute book) are bookmarked under the ledger's title
        expected = spec.title if isinstance(first, Document) and first.subject else first.title
        assert marked[page] == expected, spec.key
    # the contents page names each of them with the same page number
    contents = "".join(pdf_text(_first_pages(reader, pages[0] - 1)).split())
    for spec, page in result.starts[:3]:
        assert f"{spec.title}" in contents and str(page) in contents

    # the workbook holds every ledger
    workbook = load_workbook(result.path / "2026年度台账汇编.xlsx", read_only=True)
    assert len(workbook.sheetnames) >= len({s.group for s in specs})


def _first_pages(reader: PdfReader, count: int) -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    for page in reader.pages[:count]:
        writer.add_page(page)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_the_index_checksums_match_the_files_and_the_listing_page_names_them(full_pack):
    result, _ = full_pack

    listed = read_index(result.path / INDEX_CSV)
    assert [f.name for f in listed] == [f.name for f in result.files]
    assert {f.name for f in listed} | {INDEX_CSV} == {p.name for p in result.path.iterdir()}
    for entry in listed:
        data = (result.path / entry.name).read_bytes()
        assert entry.size == len(data)
        assert entry.sha256 == sha256(data)

    # opened in Excel: UTF-8 with a BOM, a header row in Chinese
    raw = (result.path / INDEX_CSV).read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    assert next(csv.reader(io.StringIO(raw.decode("utf-8-sig")))) == [
        "文件名",
        "大小（字节）",
        "SHA-256",
        "内容",
    ]

    # the printable listing shows each of the other files with its checksum (grouped by 8 for the eye)
    text = "".join(pdf_text(result.path / LISTING_PDF).split())
    for entry in listed[:2]:
        assert entry.name in text
        assert entry.sha256 in text
    assert "移交人" in text and "接收人" in text
    for seq, (spec, page) in enumerate(result.starts, 1):  # the PDF's ledgers, each with its first page
        assert f"{seq}{spec.title}{page}" in text


def test_a_zipped_pack_holds_the_same_files_and_leaves_no_folder(demo, tmp_path):
    result = build_pack(demo, YEAR, tmp_path, today=TODAY, as_zip=True)

    assert result.path == tmp_path / f"{result.name}.zip"
    assert [p.name for p in tmp_path.iterdir()] == [result.path.name]
    with zipfile.ZipFile(result.path) as archive:
        members = {Path(n).name: archive.read(n) for n in archive.namelist()}
        assert all(n.startswith(f"{result.name}/") for n in archive.namelist())
    listed = read_index_bytes(members[INDEX_CSV])
    assert set(members) == {f.name for f in listed} | {INDEX_CSV}
    for entry in listed:
        assert sha256(members[entry.name]) == entry.sha256


def read_index_bytes(data: bytes):
    from branchdesk.reports.pack import PackFile

    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    return [PackFile(name, int(size), sha, content) for name, size, sha, content in rows[1:]]


def test_an_existing_pack_is_never_overwritten(demo, full_pack, tmp_path):
    earlier = tmp_path / full_pack[0].path.name  # handed over last week, with a note added since
    earlier.mkdir()
    (earlier / "备注.txt").write_text("已交组织部", encoding="utf-8")

    again = build_pack(demo, YEAR, tmp_path, today=TODAY)

    assert again.path.name == f"{earlier.name}（2）"
    assert [p.name for p in earlier.iterdir()] == ["备注.txt"]


def test_a_masked_pack_contains_no_full_id_number(demo, full_pack, tmp_path):
    numbers = id_numbers(demo)
    assert len(numbers) >= 30

    full = full_pack[0]
    masked = build_pack(demo, YEAR, tmp_path / "public", today=TODAY, mask="public")
    assert masked.path.name.endswith("-脱敏")

    def texts(result) -> str:
        pdf = next(p for p in result.path.glob("*.pdf") if p.name != LISTING_PDF)
        workbook = load_workbook(next(result.path.glob("*.xlsx")), read_only=True)
        cells = [
            str(v) for ws in workbook.worksheets for row in ws.iter_rows(values_only=True) for v in row if v
        ]
        return "".join(pdf_text(pdf).split()) + "\n".join(cells)

    full_text, masked_text = texts(full), texts(masked)
    assert sum(n in full_text for n in numbers) >= 30  # the inspector's copy shows them
    assert [n for n in numbers if n in masked_text] == []
    assert any(f"{n[:4]}**********{n[-4:]}" in masked_text for n in numbers)


@pytest.mark.parametrize("stop_at", ["正在整理", "正在生成 PDF", "正在生成 Excel", "正在计算校验值"])
def test_cancelling_leaves_no_folder_behind(demo, tmp_path, stop_at):
    seen: list[str] = []
    flag = {"on": False}

    def progress(done, total=None, text=""):
        seen.append(text)
        if text.startswith(stop_at):
            flag["on"] = True

    with pytest.raises(PackCancelled):
        build_pack(demo, YEAR, tmp_path, today=TODAY, progress=progress, cancelled=lambda: flag["on"])
    assert list(tmp_path.iterdir()) == []
    assert any(t.startswith(stop_at) for t in seen)


def test_progress_names_each_ledger_and_each_writer_and_only_moves_forward(full_pack):
    _, reports = full_pack

    texts = [text for _, _, text in reports]
    for spec in pack_specs():
        assert any(spec.title in text for text in texts), spec.title
    assert any(text.startswith("正在生成 PDF") for text in texts)
    assert any(text.startswith("正在生成 Excel") for text in texts)
    done = [d for d, _, _ in reports]
    assert done == sorted(done) and done[-1] == reports[-1][1]


def test_export_of_chosen_ledgers_is_whole_or_absent(demo, tmp_path):
    target = tmp_path / "花名册和发展台账.pdf"
    result = export_ledgers(demo, ["roster", "development"], YEAR, target, today=TODAY)
    assert result.path == target and len(PdfReader(target).pages) == result.pages
    assert [p.name for p in tmp_path.iterdir()] == [target.name]

    with pytest.raises(PackCancelled):
        export_ledgers(demo, ["roster"], YEAR, tmp_path / "取消.xlsx", fmt="xlsx", cancelled=lambda: True)
    assert [p.name for p in tmp_path.iterdir()] == [target.name]


# ---- the command line ---------------------------------------------------------------------------
@pytest.fixture
def cli_db(tmp_path, data_dir):
    from branchdesk.cli import main

    path = tmp_path / "branchdesk.sqlite"
    assert main(["--db", str(path), "demo", "--members", "10", "--seed", "2"]) == 0
    return path


def test_cli_pack_writes_the_pack_and_says_where(cli_db, tmp_path, capsys):
    from branchdesk.cli import main

    capsys.readouterr()
    out_dir = tmp_path / "迎检"
    year = dt.date.today().year
    assert main(["--db", str(cli_db), "pack", "--year", str(year), "-o", str(out_dir)]) == 0
    out = capsys.readouterr().out
    (folder,) = out_dir.iterdir()
    assert folder.is_dir() and f"{year}年度" in folder.name
    assert str(folder) in out
    for path in folder.iterdir():
        assert path.name in out

    assert main(["--db", str(cli_db), "pack", "--from", f"{year}-01-01", "--to", f"{year}-06-30", "-o",
                 str(out_dir), "--zip", "--mask", "public"]) == 0  # fmt: skip
    out = capsys.readouterr().out
    (archive,) = out_dir.glob("*.zip")
    assert archive.name.endswith("-脱敏.zip") and f"{year}年1月1日至{year}年6月30日" in archive.name
    assert str(archive) in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--year", "2026", "--from", "2026-01-01", "--to", "2026-02-01"], "只能选用一种"),
        (["--from", "2026-01-01"], "需要同时给出"),
        (["--from", "2026-05-01", "--to", "2026-02-01"], "早于开始日期"),
    ],
)
def test_cli_pack_refuses_a_bad_period_in_chinese(cli_db, tmp_path, capsys, args, message):
    from branchdesk.cli import main

    capsys.readouterr()
    assert main(["--db", str(cli_db), "pack", *args, "-o", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("错误：") and message in err
    assert not (tmp_path / "out").exists()


def test_cli_pack_refuses_a_file_as_the_output_folder(cli_db, tmp_path, capsys):
    from branchdesk.cli import main

    occupied = tmp_path / "已有文件.txt"
    occupied.write_text("x")
    assert main(["--db", str(cli_db), "pack", "-o", str(occupied)]) == 2
    assert "请用 -o 指定一个文件夹" in capsys.readouterr().err


def test_names_the_font_cannot_print_are_named_in_the_result(ws, members, tmp_path, no_fallback_fonts):
    """A member called 刘䶮 (a character outside the bundled font) is reported, never silently boxed."""
    from branchdesk.domain.citizen_id import make_citizen_id
    from branchdesk.domain.members import MemberFields

    members.create(MemberFields(name="刘䶮", sex="男", id_number=make_citizen_id("350102", dt.date(1980, 1, 2), 7, "男"),
                                join_date=dt.date(2005, 7, 1), conversion_date=dt.date(2006, 7, 1)))  # fmt: skip
    members.create(MemberFields(name="张三", join_date=dt.date(2001, 7, 1)))

    result = build_pack(ws, YEAR, tmp_path, today=TODAY)

    assert "党员花名册" in result.missing and result.missing["党员花名册"] == {"䶮"}
    assert result.holders == ["刘䶮"]
    warning = result.warning()
    assert "“䶮”" in warning and "刘䶮" in warning and "党员花名册" in warning
    exported = export_ledgers(ws, ["roster"], YEAR, tmp_path / "花名册.pdf", today=TODAY)
    assert exported.holders == ["刘䶮"] and "刘䶮" in exported.warning()
    assert export_ledgers(ws, ["roster"], YEAR, tmp_path / "花名册.xlsx", fmt="xlsx").warning() == ""
