"""What every page and dialog is given: the open database and the services over it."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

from branchdesk.config import Location
from branchdesk.db.engine import Database
from branchdesk.services.branch import BranchService
from branchdesk.services.members import MemberService


@dataclass
class AppContext:
    db: Database
    location: Location
    members: MemberService = field(init=False)
    branch: BranchService = field(init=False)

    def __post_init__(self) -> None:
        self.members = MemberService(self.db)
        self.branch = BranchService(self.db)

    @cached_property
    def auth(self):
        """Accounts and signing in (services.auth; argon2 loads when a password is first checked)."""
        from branchdesk.services.auth import AuthService

        return AuthService(self.db)

    @cached_property
    def development(self):
        """The development workflow's service (loaded when its page is first shown)."""
        from branchdesk.services.development import DevelopmentService

        return DevelopmentService(self.db)

    @cached_property
    def rule_settings(self):
        """Local rule settings with effective dates (their history on the settings page)."""
        from branchdesk.services.rule_settings import RuleSettingsService

        return RuleSettingsService(self.db)

    @cached_property
    def holidays(self):
        """The holiday and make-up working days the branch entered for years the bundled calendar lacks."""
        from branchdesk.services.rule_settings import HolidayService

        return HolidayService(self.db)

    @cached_property
    def meetings(self):
        """The meeting minutes' service (loaded when its page is first shown)."""
        from branchdesk.services.meetings import MeetingService

        return MeetingService(self.db)
