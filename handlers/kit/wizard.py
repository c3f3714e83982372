"""A multi-step form: numbered steps, next, back, skip, review, and "change one part, then back to review".

A flow declares its steps (a StrEnum) and which of them are the numbered form; the wizard owns the
navigation, so no flow keeps hand-made "back"/"replace" flags of its own:

    form = Wizard(Flows(new_log, edit_log), order=(Step.KIND, …, Step.FILES), review=Step.REVIEW,
                  title=lambda ctx: ctx.t("📝 New growth log"), role=Role.STUDENT)

    @form.asks(Step.KIND)
    async def ask_kind(ctx) -> Screen: …      # builds the question; form.header/back give the frame
"""
from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Awaitable, Callable, TypeVar

from handlers.kit.context import Ctx
from handlers.kit.flows import Flows, Roles
from handlers.kit.payloads import MalformedPayload, Payload
from handlers.kit.screens import Button, Screen, rows
from program.i18n import N_

Asker = Callable[[Ctx], Awaitable[Screen]]
A = TypeVar("A", bound=Callable[..., Awaitable[Screen]])
BACK_TO_REVIEW = "_back"  # the draft key the wizard keeps while one part is being changed from the review


class GoTo(Payload, action="step"):
    step: str


class ToReview(Payload, action="review"):
    pass


class ChangePart(Payload, action="change"):
    pass


@dataclass
class Wizard:
    flows: Flows
    order: tuple[StrEnum, ...]
    review: StrEnum
    title: Callable[[Ctx], str]
    role: Roles = None
    change: StrEnum | None = None  # the "which part?" step, if the review offers changing one part
    labels: dict[StrEnum, str] = field(default_factory=dict)  # msgids of the parts, for "which part?"
    cancel: Payload | None = None  # what the first step's back button does
    cancel_label: str = N_("✖️ Cancel")  # msgid of the cancel button
    # A way out on every step (beside "« Back"), not only on the first: `nav` gives both.
    cancel_on_every_step: bool = False
    substeps: tuple[StrEnum, ...] = ()  # unnumbered steps inside the form (typing a date after "another date")
    # When the numbered steps depend on what is being filled in (an evaluation's questions differ per kind):
    active: Callable[[Ctx], tuple[StrEnum, ...]] | None = None  # the steps of `order` in use now
    label_of: Callable[[Ctx, StrEnum], str] | None = None  # a part's name in "which part?", translated
    guard: Callable[[Ctx], Awaitable[None]] | None = None  # may refuse changing a part (a closed window)
    change_question: str = N_("Which part do you want to change?")
    askers: dict[str, Asker] = field(default_factory=dict, init=False)
    reviewer: Asker | None = field(default=None, init=False)

    def __post_init__(self) -> None:
        every = (*self.order, *self.substeps, self.review, *((self.change,) if self.change else ()))
        self.flows.button(GoTo, self.role, steps=every)(self._go_to)
        self.flows.button(ToReview, self.role, steps=every)(self._to_review)
        if self.change is not None:
            self.flows.button(ChangePart, self.role, steps=(self.review,))(self._choose_part)
            self.flows.prompt(self.change)(self._part_menu)

    # ---- declaring ----------------------------------------------------------------------------------
    def asks(self, *steps: StrEnum) -> Callable[[A], A]:
        """The question of a step; also how the engine asks again after wrong input or a stale button."""
        def register(fn: A) -> A:
            for step in steps:
                self.askers[step.value] = fn
            self.flows.prompt(*steps)(fn)
            return fn
        return register

    def reviews(self, fn: Asker) -> Asker:
        self.reviewer = fn
        self.flows.prompt(self.review)(fn)
        return fn

    # ---- the frame of a question ---------------------------------------------------------------------
    def steps_now(self, ctx: Ctx) -> tuple[StrEnum, ...]:
        return self.active(ctx) if self.active is not None else self.order

    def header(self, ctx: Ctx, step: StrEnum) -> str:
        order = self.steps_now(ctx)
        return ctx.t("%(title)s · step %(n)d of %(total)d", title=self.title(ctx), n=order.index(step) + 1,
                     total=len(order))

    def link(self, ctx: Ctx, payload: Payload) -> str:
        """A form payload packed for the flow this form is running in."""
        return payload.pack(ctx.state.flow)

    def back(self, ctx: Ctx, step: StrEnum) -> Button | None:
        if ctx.state.draft.get(BACK_TO_REVIEW):
            return Button(ctx.t("« Back to review"), self.link(ctx, ToReview()))
        order = self.steps_now(ctx)
        index = order.index(step) if step in order else 0
        if index == 0:
            return None if self.cancel_on_every_step else self.cancel_button(ctx)
        return Button(ctx.t("« Back"), self.link(ctx, GoTo(order[index - 1].value)))

    def cancel_button(self, ctx: Ctx) -> Button | None:
        return Button(ctx.t(self.cancel_label), self.link(ctx, self.cancel)) if self.cancel else None

    def nav(self, ctx: Ctx, step: StrEnum) -> tuple[Button, ...]:
        """A question's way back, then (with `cancel_on_every_step`) its way out."""
        shown = (self.back(ctx, step), self.cancel_button(ctx) if self.cancel_on_every_step else None)
        return tuple(button for button in shown if button is not None)

    def following(self, ctx: Ctx, step: StrEnum) -> StrEnum | None:
        """The numbered step after this one, or None after the last."""
        order = self.steps_now(ctx)
        index = order.index(step) + 1
        return order[index] if index < len(order) else None

    # ---- moving ---------------------------------------------------------------------------------------
    async def ask(self, ctx: Ctx, step: StrEnum) -> Screen:
        """Shows a step (the review, if that is the step)."""
        if step == self.review:
            return await self.show_review(ctx)
        ctx.state.goto(step)
        return await self.askers[step.value](ctx)

    async def after(self, ctx: Ctx, step: StrEnum) -> Screen:
        """The next step, or back to the review when this part was being changed from there."""
        following = self.following(ctx, step)
        if ctx.state.draft.get(BACK_TO_REVIEW) or following is None:
            return await self.show_review(ctx)
        return await self.ask(ctx, following)

    async def show_review(self, ctx: Ctx) -> Screen:
        assert self.reviewer is not None, "a wizard needs @form.reviews"
        ctx.state.draft.pop(BACK_TO_REVIEW, None)
        return await self.reviewer(ctx)

    async def _go_to(self, ctx: Ctx, tap: GoTo) -> Screen:
        step = next((s for s in self.steps_now(ctx) if s.value == tap.step), None)
        if step is None:
            raise MalformedPayload()
        if self.guard is not None:
            await self.guard(ctx)
        return await self.ask(ctx, step)

    async def _to_review(self, ctx: Ctx, tap: ToReview) -> Screen:
        return await self.show_review(ctx)

    async def _choose_part(self, ctx: Ctx, tap: ChangePart) -> Screen:
        if self.guard is not None:
            await self.guard(ctx)
        ctx.state.draft[BACK_TO_REVIEW] = True
        assert self.change is not None
        ctx.state.goto(self.change)
        return await self._part_menu(ctx)

    async def _part_menu(self, ctx: Ctx) -> Screen:
        def label(step: StrEnum) -> str:
            return self.label_of(ctx, step) if self.label_of else ctx.t(self.labels[step])

        buttons = [Button(label(s), self.link(ctx, GoTo(s.value)))
                   for s in self.steps_now(ctx) if self.label_of or s in self.labels]
        return Screen(ctx.t(self.change_question), replace=True,
                      buttons=rows(*buttons, Button(ctx.t("« Back to review"), self.link(ctx, ToReview()))))


