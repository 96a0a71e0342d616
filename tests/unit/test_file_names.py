"""Issue 11 §5: attachment names are reduced to one harmless file name, cut keeping the extension."""

from __future__ import annotations

import pytest

from branchdesk.domain.file_names import is_executable, safe_file_name


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("会议纪要.docx", "会议纪要.docx"),
        ("../../x", "x"),
        ("..\\..\\Windows\\evil.txt", "evil.txt"),
        ("C:evil.txt", "evil.txt"),
        ("/etc/passwd", "passwd"),
        ("..", "附件"),
        ("CON.txt", "_CON.txt"),
        ("nul", "_nul"),
        ("a<b>c?.txt", "a_b_c_.txt"),
        ("report.pdf.", "report.pdf"),
    ],
)
def test_names(given, expected):
    assert safe_file_name(given) == expected


def test_a_cut_keeps_the_extension():
    long = "x" * 196 + ".exe.txt"  # 204 characters: cutting the end used to leave "….exe"
    cut = safe_file_name(long)
    assert len(cut) <= 200 and cut.endswith(".txt") and not is_executable(cut)


def test_executables_are_recognised():
    for name in (
        "a.exe",
        "b.BAT",
        "c.cmd",
        "d.js",
        "e.vbs",
        "f.ps1",
        "g.lnk",
        "h.scr",
        "i.msi",
        "j.hta",
        "k.com",
    ):
        assert is_executable(name), name
    assert not is_executable("会议纪要.docx")
