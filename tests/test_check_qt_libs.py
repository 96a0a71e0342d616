"""`./scripts/run-app` on a Linux desktop without the libraries Qt's xcb platform needs names them and the
one apt command that installs them, instead of Qt's plugin abort (issue 18)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[1] / "scripts" / "check-qt-libs"
LDD = """#!/bin/sh
cat <<'OUT'
	libQt6XcbQpa.so.6 => /opt/Qt/lib/libQt6XcbQpa.so.6 (0x00007f0000000000)
	libxkbcommon-x11.so.0 => not found
	libxcb-cursor.so.0 => not found
	libxcb-icccm.so.4 => not found
	libxcb-keysyms.so.1 => not found
	libxcb.so.1 => /lib/x86_64-linux-gnu/libxcb.so.1 (0x00007f0000000000)
	libxcb-icccm.so.4 => not found
OUT
"""

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the xcb check is for Linux")


def run(tmp_path: Path, ldd: str) -> subprocess.CompletedProcess:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "ldd").write_text(ldd)
    (bin_dir / "ldd").chmod(0o755)
    plugin = tmp_path / "libqxcb.so"
    plugin.write_bytes(b"\x7fELF")
    env = {**os.environ, "PATH": f"{bin_dir}:{os.environ['PATH']}", "BRANCHDESK_QT_XCB_PLUGIN": str(plugin)}
    env.pop("QT_QPA_PLATFORM", None)
    return subprocess.run(["bash", str(SCRIPT)], env=env, capture_output=True, text=True, timeout=30)


def test_the_missing_libraries_are_named_with_one_apt_command(tmp_path):
    result = run(tmp_path, LDD)
    assert result.returncode == 1
    assert "libxcb-icccm.so.4" in result.stderr and "libxcb.so.1" not in result.stderr
    [command] = [line.strip() for line in result.stderr.splitlines() if "apt-get" in line]
    assert command == "sudo apt-get install libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxkbcommon-x11-0"


def test_nothing_is_said_when_every_library_is_there(tmp_path):
    result = run(tmp_path, "#!/bin/sh\necho '	libxcb.so.1 => /lib/libxcb.so.1 (0x0)'\n")
    assert (result.returncode, result.stderr) == (0, "")
