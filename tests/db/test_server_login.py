"""An office PC whose database address is wrong, or whose login the committee's server refuses: the command
says why, names the server without the password, and touches nothing (PostgreSQL only)."""

from __future__ import annotations

import pytest

from branchdesk.cli import main

from .conftest import _pg_base_url

pytestmark = pytest.mark.usefixtures("data_dir")


@pytest.mark.parametrize(
    ("change", "told"),
    [
        ({"password": "wrong-Secret-42"}, "服务器拒绝了登录：数据库用户名或密码不正确"),
        ({"database": "no_such_committee"}, "服务器上没有这个数据库"),
        ({"port": 1}, "连接不上数据库服务器"),
    ],
)
def test_the_server_refusing_the_pc_is_told_without_the_password(capsys, change, told):
    url = _pg_base_url().set(**change)
    password = url.password
    assert main(["--db", url.render_as_string(hide_password=False), "branch", "list"]) != 0
    err = capsys.readouterr().err
    assert told in err and "无法打开数据库 postgresql+psycopg://" in err
    assert password not in err and "***@" in err
    assert "不是数据库文件" not in err
