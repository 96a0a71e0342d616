"""Chinese everywhere (issue 18): Qt's own dialogs and the command line's help speak Chinese."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QCoreApplication, QLocale

from branchdesk.cli import build_parser


@pytest.fixture
def translated(qapp):
    from branchdesk.ui.app import install_qt_translations

    loaded = install_qt_translations(qapp)
    yield loaded
    for translator in qapp._branchdesk_translators:
        qapp.removeTranslator(translator)
    qapp._branchdesk_translators = []
    QLocale.setDefault(QLocale.system())


def test_qt_file_and_print_dialogs_speak_chinese(translated):
    assert translated and translated[0].endswith("qtbase_zh_CN.qm")
    assert QCoreApplication.translate("QFileDialog", "Look in:") == "查找范围："
    assert QCoreApplication.translate("QPrintDialog", "Print") == "打印"
    assert QCoreApplication.translate("QPlatformTheme", "Cancel") == "取消"


def test_the_command_lines_help_is_chinese(capsys):
    for argv in (["--help"], ["import", "members", "--help"]):
        with pytest.raises(SystemExit):
            build_parser().parse_args(argv)
        text = capsys.readouterr().out
        assert text.startswith("用法：") and "选项" in text and "显示帮助信息并退出" in text
        for english in ("usage:", "positional arguments", "options:", "show this help message and exit"):
            assert english not in text
