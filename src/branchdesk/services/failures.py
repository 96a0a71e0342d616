"""Expected failures (a full disk, a read-only folder, a locked or missing database …) in one Chinese
sentence that names the real cause. Never the exception's own text for a database error: SQLAlchemy
puts the statement and its parameters there (ID numbers, names), which must not reach a screen or a
terminal. Qt-free: the CLI and the window share it.
"""

from __future__ import annotations

import errno

LOCKED = (
    "另一个程序正在写入这个数据库（数据库正被占用，例如命令行导入或另一台电脑上的程序），"
    "本次没有写入任何数据。请稍等片刻再试。"
)
FULL = "磁盘空间不足，本次没有写入任何数据。请清理磁盘（或换一个位置）后再试。"
READ_ONLY = "数据库文件或它所在的文件夹是只读的（或没有写入权限），本次没有写入任何数据。请检查文件权限，或把数据库放到可以写入的位置。"
CANNOT_OPEN = "无法打开数据库文件：所在文件夹不存在、没有权限，或给出的路径是一个文件夹。"
IO_ERROR = "读写磁盘时出错（磁盘可能已满、已被拔出或有故障），本次修改没有保存。请检查磁盘后再试。"
NOT_DATABASE = "这个文件不是 SQLite 数据库文件（或文件头已损坏）。请确认选择的是 branchdesk 的数据库文件。"
CORRUPT = "数据库文件已损坏（{detail}）。请用“从备份恢复”恢复最近的备份。"
MEMORY = "内存不足，操作没有完成，没有写入任何数据。请关闭其他程序后再试，或把文件分成几份处理。"

# A PostgreSQL server (a committee's database) that cannot be reached or refuses the login: what the
# server or the driver says, by the words it says it with (no SQLSTATE comes with a failed connection):
# any of the phrases, a phrase being a text or a tuple of texts that must all be there.
_SERVER = "请联系管理数据库服务器的同志。"
_CONNECTION_REASONS = (
    (("password authentication failed",),
     "服务器拒绝了登录：数据库用户名或密码不正确。请检查数据库地址中的用户名和密码"
     "（密码中的 @ : / % 要写成 %40 %3A %2F %25）。"),
    (("is not permitted to log in",), "服务器不允许这个数据库用户登录（它已被停用）。" + _SERVER),
    (("no pg_hba.conf entry", "pg_hba.conf rejects connection"),
     "服务器不接受来自这台电脑的连接（服务器的 pg_hba.conf 中没有这台电脑所在的网络，或要求加密连接）。" + _SERVER),
    ((("database \"", "does not exist"),), "服务器上没有这个数据库：请检查数据库地址最后的数据库名。"),
    ((("role \"", "does not exist"),), "服务器上没有这个数据库用户：请检查数据库地址中的用户名。"),
    (("but ssl was required",),
     "服务器不支持加密连接，而数据库地址要求加密（sslmode=require）。请为服务器配置证书，"
     "或在可信的网络中去掉 sslmode=require。"),
    (("server closed the connection", "terminating connection", "connection is closed", "consuming input failed",
      "the connection is lost", "connection already closed", "ssl syscall error", "eof detected"),
     "与数据库服务器的连接断开了（服务器重启或网络中断），刚才的操作可能没有完成。请稍后再试，"
     "并核对刚才的修改是否已保存。"),
    (("ssl",), "与服务器建立加密连接时出错（证书或加密设置不符）。" + _SERVER),
    (("too many clients", "remaining connection slots"), "服务器的连接数已满，请稍后再试。" + _SERVER),
    (("failed to resolve host", "could not translate host name", "name or service not known"),
     "找不到数据库服务器：地址写错了，或这台电脑不在单位的网络中。请检查数据库地址和网络。"),
    (("connection refused", "timeout expired", "timed out", "is the server running", "no route to host",
      "network is unreachable"),
     "连接不上数据库服务器：服务器没有启动、地址或端口不对，或被防火墙拦截。请检查网络和数据库地址。"),
)  # fmt: skip

_OS_REASONS = {
    errno.ENOSPC: "磁盘空间不足",
    errno.EROFS: "磁盘是只读的",
    errno.EACCES: "没有权限，或文件正被其他程序占用（如 Excel 或 WPS 打开着它）",
    errno.EPERM: "没有权限，或文件正被其他程序占用（如 Excel 或 WPS 打开着它）",
    errno.EISDIR: "这是一个文件夹，请给出文件名",
    errno.ENOTDIR: "路径中有一部分不是文件夹",
    errno.ENOENT: "文件或文件夹不存在",
    errno.EEXIST: "已有同名的文件，不能当作文件夹使用",
}
if hasattr(errno, "EDQUOT"):
    _OS_REASONS[errno.EDQUOT] = "磁盘配额已用完"


def database_error_text(exc: BaseException) -> str | None:
    """The sentence for a SQLite/SQLAlchemy database error, or None if it is not one we know."""
    import sqlite3

    orig = getattr(exc, "orig", None) or exc
    if not isinstance(orig, sqlite3.Error) and not _is_sqlalchemy_db_error(exc):
        return None
    if type(orig).__module__.partition(".")[0] == "psycopg":
        return _server_error_text(orig)
    text = str(orig).lower()
    if "locked" in text or "busy" in text:
        return LOCKED
    if "disk is full" in text or "database or disk is full" in text:
        return FULL
    if "readonly" in text or "read-only" in text:
        return READ_ONLY
    if "unable to open database" in text:
        return CANNOT_OPEN
    if "disk i/o error" in text:
        return IO_ERROR
    if "not a database" in text:
        return NOT_DATABASE
    if "malformed" in text or "corrupt" in text:
        return CORRUPT.format(detail="完整性检查未通过")
    return None


def _server_error_text(orig: BaseException) -> str | None:
    """The sentence for a PostgreSQL connection that failed or broke (``_CONNECTION_REASONS``); None for
    other errors of the server (a statement's, whose text holds its parameters)."""
    if not any(c.__name__ in ("OperationalError", "InterfaceError") for c in type(orig).__mro__):
        return None  # a statement's error (a key in use, a value out of range …): its text holds its data
    text = str(orig).lower()
    for words, sentence in _CONNECTION_REASONS:
        if any(all(w in text for w in p) if isinstance(p, tuple) else p in text for p in words):
            return sentence
    if text.startswith(("connection failed", "connection to server")):  # in the server's own language
        return "连接数据库服务器时出错：" + str(orig).rsplit("failed:", 1)[-1].strip().splitlines()[0]
    return None


def _is_sqlalchemy_db_error(exc: BaseException) -> bool:
    try:
        from sqlalchemy.exc import DBAPIError
    except ImportError:  # pragma: no cover
        return False
    return isinstance(exc, DBAPIError)


def os_error_text(exc: OSError) -> str:
    """A file system error in Chinese, with the file it concerns."""
    where = exc.filename2 or exc.filename
    reason = _OS_REASONS.get(exc.errno) or (
        f"读写文件时出错（{exc.strerror}）" if exc.strerror else "读写文件时出错"
    )
    if isinstance(exc, PermissionError):
        reason = _OS_REASONS[errno.EACCES]
    return f"{where}：{reason}" if where else reason


def describe(exc: BaseException) -> str | None:
    """One sentence for an expected failure, or None (then it is a bug: log it with its traceback)."""
    if isinstance(exc, MemoryError):
        return MEMORY
    text = database_error_text(exc)
    if text is not None:
        return text
    if isinstance(exc, OSError):
        return os_error_text(exc)
    return None
