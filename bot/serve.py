"""Starting bot processes: one (polling, webhook or scheduler only), or N supervised webhook workers."""
from __future__ import annotations

import asyncio
import logging
import sys

from bot.settings import Settings
from program.i18n import Translator


async def run_bot(settings: Settings, t: Translator, *, updates: bool = True, scheduler: bool = True) -> int:
    from bot.app import Roles, build_app, run_until_stopped
    from bot.workers import inherited_socket

    if not settings.channels:
        if not (updates and scheduler):
            print(t("Set BOT_TOKEN (or DingTalk's credentials): the scheduler sends through them."), file=sys.stderr)
            return 2
        # No credentials (a fresh clone, no Telegram or DingTalk at hand): the same bot, in the local sandbox.
        from bot.sandbox.runner import run_sandbox

        print(t("BOT_TOKEN is not set, so the bot starts in the local sandbox."), file=sys.stderr)
        return await run_sandbox(settings, t)
    if settings.clock is not None:
        warn_rehearsal(settings, t)
    app = await build_app(settings, roles=Roles(updates=updates, scheduler=scheduler), listen=inherited_socket())
    await run_until_stopped(app)
    return 0


async def migrate_only(settings: Settings) -> int:
    """`yingcai migrate`, and before workers start: the database at the newest revision."""
    from storage.db import create_engine, migrate

    engine = create_engine(settings.database_url)
    try:
        await migrate(engine)
    finally:
        await engine.dispose()
    return 0


def several_workers(settings: Settings, t: Translator, workers: int, no_scheduler: bool) -> int:
    """`run --workers N`: refused where it cannot work, else N supervised processes on one socket."""
    from sqlalchemy.engine import make_url

    from bot.workers import Supervisor

    if make_url(settings.database_url).get_backend_name() != "postgresql":
        print(t("Several workers need PostgreSQL: a SQLite file takes one writing process at a time. Set "
                "DATABASE_URL=postgresql+asyncpg://… or run one worker."), file=sys.stderr)
        return 2
    if not settings.webhook_url:
        print(t("Several workers need webhook mode (--webhook https://…): Telegram lets only one process poll."),
              file=sys.stderr)
        return 2
    if not settings.channels:
        print(t("Set BOT_TOKEN to run workers."), file=sys.stderr)
        return 2
    asyncio.run(migrate_only(settings))  # once, before the workers start
    child = ["run", "--webhook", settings.webhook_url] + (["--no-scheduler"] if no_scheduler else [])
    return Supervisor(workers, child, settings).run()


def warn_rehearsal(settings: Settings, t: Translator) -> None:
    """A rehearsal clock on a bot people use would send April's reminders in November: say it loudly."""
    line = "!" * 78
    print("\n".join([line, t("!! REHEARSAL CLOCK: YINGCAI_CLOCK=%(value)s", value=settings.clock.isoformat()),
                     t("!! Program time is not real time: deadlines, windows and reminders follow this clock."),
                     t("!! Use it on a staging copy only. Unset YINGCAI_CLOCK for the real program."), line]),
          file=sys.stderr, flush=True)


def explain_failure(error: Exception, command: str, settings: Settings, t: Translator) -> int:
    """A command failed: a rejected token is named by its bot id only; anything else is logged (redacted)."""
    from bot.channels.telegram_common import token_rejected

    if token_rejected(error):
        bot_id = (settings.bot_token or "").partition(":")[0]
        print(t("Telegram refused BOT_TOKEN (bot %(bot)s): check it with @BotFather.", bot=bot_id), file=sys.stderr)
        return 2
    logging.getLogger("yingcai").exception("yingcai %s failed", command)
    return 1
