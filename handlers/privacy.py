"""/privacy says what is stored and who sees it; /mydata sends a person everything stored about them as a file."""
from __future__ import annotations

import json

from handlers.kit import Ctx, Flow, Screen, Upload
from storage import mydata

privacy = Flow("priv")


@privacy.command("privacy")
async def what_is_stored(ctx: Ctx) -> Screen:
    return Screen("\n".join([
        ctx.t("🔒 <b>What this bot stores, and who sees it</b>"),
        ctx.t("• From the roster: your name, school, subject, grade, role, and who your mentor and teacher are."),
        ctx.t("• Your chat account (its number, language, when you last wrote) so that notices reach you."),
        ctx.t("• Students: your growth logs with their photos and files, your sessions, annual materials and results. "
              "Your teacher and mentor see your logs; the program office sees everything for the program's records."),
        ctx.t("• Mentors' evaluations and training plans: the student, the mentor and the office see them."),
        ctx.t("• Every office action is recorded with who and when."),
        ctx.t("Nothing is shared outside the program. Send /mydata to get everything stored about you as a file.")]))


@privacy.command("mydata")
async def my_data(ctx: Ctx) -> Screen:
    record = await mydata.about(ctx.session, ctx.me.id)
    data = json.dumps(record, ensure_ascii=False, indent=2).encode()
    return Screen(ctx.t("📦 Everything stored about you, as a JSON file."),
                  upload=Upload("document", f"mydata-{ctx.today().isoformat()}.json", data))
