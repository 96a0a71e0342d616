"""One window per database file, on the Qt side.

The sidecar lock (db/filelock) decides who has the file. The window that holds it also listens on a
local socket named after the file and the user; a second start on the same file asks it to come to
the front and exits. When the holder is another user or another computer (a shared folder), the
second start says who has the file open and exits.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtNetwork import QLocalServer, QLocalSocket

_HELLO = b"activate\n"
_ACK = b"ok\n"


def server_name(db_path: Path) -> str:
    from branchdesk.db.engine import current_os_user

    key = f"{os.path.realpath(db_path)}|{current_os_user()}"
    return "branchdesk-" + hashlib.sha256(key.encode("utf-8")).hexdigest()[:24]


class WindowBeacon(QObject):
    """Listens for a second start on the same database; `activated` asks the window to come forward."""

    activated = Signal()

    def __init__(self, db_path: Path, parent: QObject | None = None):
        super().__init__(parent)
        self.name = server_name(db_path)
        self.server = QLocalServer(self)
        # we hold the database's lock, so a socket left under this name is a crashed program's
        QLocalServer.removeServer(self.name)
        self.listening = self.server.listen(self.name)
        self.server.newConnection.connect(self._on_connection)

    def _on_connection(self) -> None:
        while self.server.hasPendingConnections():
            socket = self.server.nextPendingConnection()
            socket.readyRead.connect(lambda s=socket: self._on_ready(s))
            socket.disconnected.connect(socket.deleteLater)

    def _on_ready(self, socket: QLocalSocket) -> None:
        if bytes(socket.readAll().data()).startswith(_HELLO.strip()):
            socket.write(_ACK)
            socket.flush()
            self.activated.emit()

    def close(self) -> None:
        self.server.close()


def ask_first_window(db_path: Path, timeout_ms: int = 3000) -> bool:
    """Ask the window that has `db_path` open (same user, same computer) to come forward."""
    socket = QLocalSocket()
    socket.connectToServer(server_name(db_path))
    if not socket.waitForConnected(timeout_ms):
        return False
    socket.write(_HELLO)
    socket.waitForBytesWritten(timeout_ms)
    answered = socket.waitForReadyRead(timeout_ms) and bytes(socket.readAll().data()).startswith(_ACK.strip())
    socket.disconnectFromServer()
    return bool(answered)


def bring_forward(window) -> None:
    if window is None:
        return
    if window.isMinimized():
        window.showNormal()
    window.show()
    window.raise_()
    window.activateWindow()
