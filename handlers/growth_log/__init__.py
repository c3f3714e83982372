"""Filing and editing a growth log (成长日志): one declared form, built as two flows with their own drafts.

"log" writes a new log and "logedit" changes a filed one, so editing an old log never overwrites a
half-written new one.
"""
from handlers.growth_log import answers, events, lifecycle  # noqa: F401  (their decorators register the routes)
from handlers.growth_log.form import FLOWS, edit_log, new_log

__all__ = ["FLOWS", "edit_log", "new_log"]
