"""A student hands in the annual materials (课题报告, 培养报告) as files, with a checklist of what is missing."""
from __future__ import annotations

from enum import StrEnum

from handlers.kit import Button, Ctx, FileRef, Flow, Payload, Screen, esc, rows
from program.annual import MATERIAL_LABELS, MaterialKind, ensure_upload_open, missing_materials
from program.errors import InvalidInput, NotFound
from program.growth_log import MAX_FILE_BYTES
from program.i18n import N_, Msgid
from program.roles import Role
from storage import annual


class Step(StrEnum):
    FILES = "files"


materials = Flow("mat", Step, done_hint=N_("Send /materials to see your annual materials."))


class HandIn(Payload, flow="mat", action="add"):
    kind: MaterialKind


class TakeBack(Payload, flow="mat", action="remove"):
    material_id: int


class Done(Payload, flow="mat", action="done"):
    pass


@materials.command("materials", role=Role.STUDENT)
async def checklist(ctx: Ctx, note: str | None = None) -> Screen:
    year = ctx.services.calendar.for_date(ctx.today())
    found = await annual.materials_of(ctx.session, ctx.me.id, year.year)
    missing = missing_materials(m.kind for m in found)
    lines = [note] if note else []
    lines.append(ctx.t("📂 <b>Annual materials</b> %(year)d · due %(day)s", year=year.year,
                       day=ctx.day(year.annual_materials_due)))
    buttons: list[Button] = []
    for kind in MaterialKind:
        mine = [m for m in found if m.kind == kind.value]
        mark = "✅" if mine else "⬜"
        lines.append(f"{mark} " + ctx.t(MATERIAL_LABELS[kind]))
        for number, material in enumerate(mine, start=1):
            lines.append(f"    {number}. 📎 {esc(material.file_name or ctx.t('file'))}")
            buttons.append(Button(ctx.t.plain("🗑 %(name)s", name=(material.file_name or "")[:20]),
                                  TakeBack(material.id)))
        buttons.insert(0, Button(ctx.t("📎 Hand in: %(kind)s", kind=Msgid(MATERIAL_LABELS[kind])), HandIn(kind)))
    lines.append(ctx.t("Still missing: %(kinds)s", kinds=ctx.t("、").join(ctx.t(MATERIAL_LABELS[k]) for k in missing))
                 if missing else ctx.t("Everything is handed in. 👍"))
    return Screen("\n".join(lines), buttons=rows(*buttons, per_row=1))


@materials.button(HandIn, role=Role.STUDENT)
async def ask_files(ctx: Ctx, tap: HandIn) -> Screen:
    year = ctx.services.calendar.for_date(ctx.today())
    ensure_upload_open(ctx.today(), year.annual_materials_due)
    ctx.state.begin(materials.name, Step.FILES, {"kind": tap.kind.value})
    return await files_prompt(ctx)


@materials.prompt(Step.FILES)
async def files_prompt(ctx: Ctx) -> Screen:
    kind = MaterialKind(ctx.state.draft["kind"])
    return Screen(ctx.t("📎 Send the file(s) of your %(kind)s (PDF, Word or photos; up to 20 MB each), then tap "
                        "“Done”.", kind=Msgid(MATERIAL_LABELS[kind])), buttons=rows(Button(ctx.t("Done ▶"), Done())))


@materials.files(Step.FILES)
async def take_files(ctx: Ctx, files: tuple[FileRef, ...]) -> Screen:
    kind = MaterialKind(ctx.state.draft["kind"])
    year = ctx.services.calendar.for_date(ctx.today())
    ensure_upload_open(ctx.today(), year.annual_materials_due)
    for file in files:
        if file.size is not None and file.size > MAX_FILE_BYTES:
            raise InvalidInput(N_("That file is larger than 20 MB. Please send a smaller one (a PDF, or fewer pages)."))
        await annual.hand_in(ctx.session, student_id=ctx.me.id, year=year.year, kind=kind, file=file.to_dict(),
                             now=ctx.now())
    return Screen(ctx.t("📎 Received %(n)d file(s). Send more, or tap “Done”.", n=len(files)),
                  buttons=rows(Button(ctx.t("Done ▶"), Done())))


@materials.text(Step.FILES)
async def not_a_file(ctx: Ctx, text: str) -> Screen:
    raise InvalidInput(N_("Please send the report as a file or a photo, not as text."))


@materials.button(Done, role=Role.STUDENT, steps=(Step.FILES,))
async def done(ctx: Ctx, tap: Done) -> Screen:
    ctx.state.finish()
    return await checklist(ctx)


@materials.button(TakeBack, role=Role.STUDENT)
async def take_back(ctx: Ctx, tap: TakeBack) -> Screen:
    if not await annual.take_back(ctx.session, tap.material_id, ctx.me.id, ctx.now()):
        raise NotFound()
    return await checklist(ctx, note=ctx.t("🗑 Removed."))
