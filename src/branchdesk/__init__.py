"""branchdesk — 党支部工作台."""

__version__ = "0.1.0"
APP_NAME = "branchdesk"
APP_TITLE = "党支部工作台"
