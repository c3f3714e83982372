"""Invite codes: random, short enough for a /start deep link, single use, expiring."""
from __future__ import annotations

import re
import secrets
import string
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from program.i18n import N_

DEFAULT_TTL = timedelta(days=30)
CODE_PATTERN = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


def new_code() -> str:
    # 24 random bytes → 32 characters of [A-Za-z0-9_-], well inside Telegram's 64-character limit. A code never
    # starts with "-": the office opens invite lists in Excel, where a leading "-" starts a formula.
    code = secrets.token_urlsafe(24)
    return secrets.choice(string.ascii_letters + string.digits) + code[1:] if code.startswith("-") else code


def looks_like_code(text: str | None) -> bool:
    return bool(text and CODE_PATTERN.match(text))


def invite_link(bot_username: str, code: str) -> str:
    return f"https://t.me/{bot_username.lstrip('@')}?start={code}"


class InviteState(StrEnum):
    VALID = "valid"
    USED = "used"
    EXPIRED = "expired"
    REVOKED = "revoked"


@dataclass(frozen=True)
class InviteFacts:
    expires_at: datetime
    used_at: datetime | None
    revoked_at: datetime | None


def invite_state(invite: InviteFacts, now: datetime) -> InviteState:
    if invite.revoked_at is not None:
        return InviteState.REVOKED
    if invite.used_at is not None:
        return InviteState.USED
    if invite.expires_at <= now:
        return InviteState.EXPIRED
    return InviteState.VALID


INVITE_PROBLEMS = {
    InviteState.USED: N_("This invite link has already been used. If that was not you, "
                         "please ask the program office for a new link."),
    InviteState.EXPIRED: N_("This invite link has expired. Please ask the program office to send you a new one."),
    InviteState.REVOKED: N_("This invite link has been withdrawn. Please ask the program office for a new one."),
}
UNKNOWN_INVITE = N_("I do not recognise this invite link. Please check that you opened the whole link, "
                    "or ask your teacher or the program office for a new one.")
