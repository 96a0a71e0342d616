"""Tables of the accounts (issue 6, "who may do what"): user accounts and the administrator recovery code.

A database without any ``user_account`` row behaves as before accounts existed (the operating-system
user, every right). Secrets are argon2 hashes; their columns carry ``info={"secret": True}`` so that the
audit trail records *that* they changed, never their value (db/uow.py).

Loaded lazily like ``models_development`` (``db.models.full_metadata()`` imports it).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from branchdesk.db.models import Base
from branchdesk.db.types import UTCDateTime, utcnow

SECRET = {"secret": True}


class UserAccount(Base):
    """A person who signs in to the window. Never deleted (the audit trail names them): deactivated."""

    __tablename__ = "user_account"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(50), unique=True)  # normalised: domain.auth
    display_name: Mapped[str] = mapped_column(String(50), default="")
    role: Mapped[str] = mapped_column(String(20))  # domain.auth.Role code
    password_hash: Mapped[str] = mapped_column(String(255), info=SECRET)
    failed_attempts: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    must_change_password: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    password_changed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    last_login_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)


class RecoveryCode(Base):
    """The administrator recovery code (one row at most): shown once when made, kept only as a hash."""

    __tablename__ = "recovery_code"

    id: Mapped[int] = mapped_column(primary_key=True)
    code_hash: Mapped[str] = mapped_column(String(255), info=SECRET)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class AccountBranchRole(Base):
    """The role an account holds on one branch above its own (0015): 管理员 of this branch, 查阅 elsewhere."""

    __tablename__ = "account_branch_role"
    __table_args__ = (UniqueConstraint("account_id", "branch_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    branch_id: Mapped[int] = mapped_column(ForeignKey("branch.id", ondelete="CASCADE"))
    role: Mapped[str] = mapped_column(String(20))  # domain.auth.Role code
