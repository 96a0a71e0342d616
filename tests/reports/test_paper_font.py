"""A serif (宋体 style) face for formal documents (issue 17): AR PL UMing CN, bundled with its licence,
embedded as a subset; the sans face stays the default and is measured as before after a serif PDF."""

from __future__ import annotations

from pypdf import PdfReader

from branchdesk.reports import pdf as pdf_module
from branchdesk.reports.registry import Period, build
from branchdesk.resources import resources_dir
from tests.reports.demo_branch import flat, pdf_pages
from tests.reports.ledger_fixtures import TODAY, demo_fixture  # noqa: F401  (fixture "demo")


def _fonts(path) -> set[str]:
    names = set()
    for page in PdfReader(str(path)).pages:
        for font in page["/Resources"]["/Font"].values():
            names.add(str(font.get_object()["/BaseFont"]))
    return names


def test_minutes_in_the_serif_face_embed_a_subset_of_uming(demo, tmp_path):
    assert (resources_dir() / "fonts" / "uming.ttc").is_file()
    assert (resources_dir() / "fonts" / "uming.LICENSE-Arphic-Public-License.txt").is_file()
    minutes = build(demo, "minutes", Period.year(2026), today=TODAY)[:2]
    result = pdf_module.write_pdf(minutes, tmp_path / "serif.pdf", font="serif")
    assert not result.missing
    fonts = _fonts(tmp_path / "serif.pdf")
    assert any("UMingCN" in f for f in fonts) and all("+" in f for f in fonts if "UMing" in f)  # subsets
    assert minutes[0].title in flat(pdf_pages(tmp_path / "serif.pdf")[0])
    # the default is unchanged, and measured with its own widths again
    assert pdf_module._WIDTHS is pdf_module._FACE_WIDTHS["sans"] and pdf_module._FACE == "sans"
    pdf_module.write_pdf(minutes, tmp_path / "sans.pdf")
    assert not any("UMing" in f for f in _fonts(tmp_path / "sans.pdf"))


def test_the_command_line_prints_a_register_in_the_serif_face(demo, tmp_path, capsys):
    from branchdesk.cli import main

    out = tmp_path / "名册.pdf"
    db = str(demo.db.sqlite_path)
    assert (
        main(["--db", db, "export", "probationary", "--year", "2026", "--font", "serif", "-o", str(out)]) == 0
    )
    assert any("UMingCN" in f for f in _fonts(out))
