"""A committee's PC cannot reach its PostgreSQL server, or the server refuses the login: the message says
why in one Chinese sentence and never shows the password written in the database's address (it was shown
whole in the status bar and in "无法打开数据库 postgresql+psycopg://user:PASSWORD@…：它不是数据库文件或已损坏")."""

from __future__ import annotations

import pytest
from sqlalchemy.exc import OperationalError

from branchdesk.config import Location
from branchdesk.services.failures import database_error_text

# what psycopg raises for a connection, and for a statement that broke a constraint (only the module and
# the class name matter here: the tests need no driver)
_DriverError = type("OperationalError", (Exception,), {"__module__": "psycopg"})
IntegrityError = type("IntegrityError", (Exception,), {"__module__": "psycopg"})

AT = 'connection failed: connection to server at "192.168.10.5", port 5432 failed: '


def _failed(message: str) -> OperationalError:
    return OperationalError("SELECT 1", {}, _DriverError(message))


@pytest.mark.parametrize(
    ("said", "told"),
    [
        (AT + 'FATAL:  password authentication failed for user "pc_yizhibu"', "用户名或密码不正确"),
        (AT + 'FATAL:  role "pc_erzhibu" is not permitted to log in', "不允许这个数据库用户登录"),
        (AT + 'FATAL:  database "huli_dangwei" does not exist', "没有这个数据库"),
        (AT + 'FATAL:  role "nobody" does not exist', "没有这个数据库用户"),
        (AT + 'FATAL:  no pg_hba.conf entry for host "192.168.20.7", user "u", database "d", no encryption',
         "不接受来自这台电脑的连接"),
        (AT + 'FATAL:  pg_hba.conf rejects connection for host "192.168.20.7", user "u", database "d"',
         "不接受来自这台电脑的连接"),
        (AT + "Connection refused\n\tIs the server running on that host and accepting TCP/IP connections?",
         "连接不上数据库服务器"),
        ("connection timeout expired", "连接不上数据库服务器"),
        ("failed to resolve host 'dangwei-server': [Errno -2] Name or service not known", "找不到数据库服务器"),
        (AT + "server does not support SSL, but SSL was required", "不支持加密连接"),
        (AT + "FATAL:  sorry, too many clients already", "连接数已满"),
        ("consuming input failed: server closed the connection unexpectedly", "连接断开了"),
        ("SSL SYSCALL error: EOF detected", "连接断开了"),
        (AT + "致命错误:  用户 \"pc\" Password 认证失败", "连接数据库服务器时出错：致命错误:  用户 \"pc\" Password 认证失败"),
    ],
)  # fmt: skip
def test_a_server_that_cannot_be_reached_or_refuses_says_why(said, told):
    assert told in database_error_text(_failed(said))


def test_an_error_of_a_statement_on_the_server_is_not_shown():
    """A statement's error carries its parameters (names, ID numbers): it is not turned into text here,
    even where a name happens to hold a word of a connection's failure ("Russell" and SSL)."""
    said = 'duplicate key value violates unique constraint "uq_member_id_number" DETAIL: (Russell, 110101199003074512)'
    assert database_error_text(OperationalError("INSERT …", {}, IntegrityError(said))) is None


def test_the_database_is_named_without_its_password():
    assert Location(
        "postgresql+psycopg://pc_yizhibu:s%40cret@192.168.10.5:5432/huli_dangwei?sslmode=require"
    ).shown == ("postgresql+psycopg://pc_yizhibu:***@192.168.10.5:5432/huli_dangwei?sslmode=require")
    assert "secret" not in Location("postgresql://u:secret@h:notaport/db").shown
    assert Location("sqlite:////srv/branch.sqlite").shown == "/srv/branch.sqlite"
