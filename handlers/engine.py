"""The conversation engine: one update in, one transaction, routed to a flow, screens out."""
from __future__ import annotations

import dataclasses
import logging
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any, Callable, Iterable

from sqlalchemy.ext.asyncio import AsyncSession

from handlers import notices
from handlers.edge import clean_incoming
from handlers.kit import (
    SETTLED,
    Ctx,
    Flow,
    Incoming,
    MalformedPayload,
    Reply,
    Route,
    Screen,
    Services,
    Stale,
    State,
    remember,
    shown_buttons,
    tapped,
)
from program.errors import InvalidInput, NotAllowed, NotFound, ProgramError
from program.i18n import N_, translator
from storage import chats, outbox, people, plumbing
from storage.models import ConversationState

log = logging.getLogger(__name__)
REQUEUE_WINDOW = timedelta(days=7)  # older undelivered notices are no longer worth sending


@dataclass
class Engine:
    services: Services
    flows: list[Flow]
    stranger: Callable[[Ctx], Any]
    fallback: Callable[..., Any]  # (ctx, quiet=False): what a puzzled user is shown
    menu_lookup: Callable[[str], str | None]
    keyboard: Callable[[Ctx], Any] | None = None  # the main menu, for channels that cannot keep one on screen
    menu_commands: Callable[[str, set[str]], list[tuple[str, str]]] | None = None  # the "/" list per language
    _by_name: dict[str, Flow] = field(init=False)
    _commands: dict[str, tuple[Flow, Route]] = field(init=False)

    def __post_init__(self) -> None:
        self._by_name = {flow.name: flow for flow in self.flows}
        self._commands = {}
        for flow in self.flows:
            for name, route in flow.commands.items():
                if name in self._commands:
                    raise ValueError(f"command /{name} registered twice")
                self._commands[name] = (flow, route)
        self.services.commands = set(self._commands)
        self.services.flows = self._by_name

    @property
    def commands(self) -> Iterable[str]:
        return self._commands.keys()

    def bot_commands(self, language: str) -> list[tuple[str, str]]:
        """What a channel lists as its commands, in one language: adapters never import flows."""
        if self.menu_commands is None:
            return [(name, name) for name in self._commands]
        return self.menu_commands(language, set(self._commands))

    async def handle(self, incoming: Incoming) -> Reply:
        incoming = clean_incoming(incoming)
        sessions = self.services.sessions
        async with sessions() as session:
            try:
                async with session.begin():
                    loaded = await self._load(session, incoming)
                    if loaded is None:
                        return Reply(outcome="duplicate")
                    ctx, row, before = loaded
                    shown = row.shown if row else None
                    if incoming.buttons_as_text and incoming.text is not None:
                        ctx.incoming = self._read_tap(incoming, shown, before)
                    reply = _as_reply(await self._route(ctx))
                    if incoming.buttons_as_text:
                        shown = remember(shown, shown_buttons(reply.screens))
                        self._with_menu(ctx, reply)
                    await self._save(session, ctx, row, before, shown)
                    wrote = await self._flush_notices(ctx)
            except ProgramError as error:
                return await self._refuse(incoming, error)
            except Exception:
                log.exception("update %s failed", incoming.update_id)
                t = translator(incoming.language)
                return Reply([Screen(t("Something went wrong on our side and nothing was changed. "
                                       "Please try again in a moment."))], outcome="failed")
        if wrote:
            self.services.on_outbox()
        return reply

    async def _load(self, session: AsyncSession, incoming: Incoming,
                    ) -> tuple[Ctx, ConversationState | None, State] | None:
        now = self.services.clock.now()
        # Several workers: one chat's updates run one at a time, whichever process received them.
        if not await chats.lock_and_claim(session, incoming.channel, incoming.user_id, incoming.update_scope,
                                          incoming.update_id, now):
            log.info("dropping redelivered update %s", incoming.update_id)
            return None
        account, row = await chats.account_and_state(session, incoming.channel, incoming.user_id)
        if account is not None:
            people.seen(account, now)
        if account is not None and account.unreachable_at is not None:
            account.unreachable_at = None  # they are writing to us again: what waited for them goes out
            account.reachable_at = now  # and a refusal of a send started before now no longer counts
            await outbox.requeue_for(session, account.person_id, now - REQUEUE_WINDOW)
        before = _state_of(row)
        ctx = Ctx(session=session, incoming=incoming, services=self.services, account=account,
                  state=before.snapshot())
        return ctx, row, before

    async def _route(self, ctx: Ctx) -> Any:
        incoming, state = ctx.incoming, ctx.state
        if incoming.command is not None and incoming.command in self._commands:
            command_flow, route = self._commands[incoming.command]
            return await self._run(ctx, command_flow, route)
        if ctx.person is None:
            return await self.stranger(ctx)
        if incoming.payload is not None:
            if incoming.payload == SETTLED:
                return Reply()  # an answered question's "✓": nothing to do
            flow_name, _, rest = incoming.payload.partition(":")
            action, *args = rest.split(":") if rest else ("",)
            tapped_flow = self._by_name.get(flow_name)
            button = tapped_flow.buttons.get(action) if tapped_flow else None
            if tapped_flow is None or button is None or button.payload is None:
                raise MalformedPayload()
            return await self._tap(ctx, tapped_flow, button, args)
        if incoming.command is not None:
            raise InvalidInput(N_("I do not know that command. Send /help to see what I can do."))
        if incoming.text and (command := self.menu_lookup(incoming.text.strip())):
            menu_flow, route = self._commands[command]
            return await self._run(ctx, menu_flow, route)
        flow = self._by_name.get(state.flow or "")
        if flow is not None and state.step is not None:
            if incoming.files:
                handler = flow.file_steps.get(state.step) or flow.file_steps.get(None)
                if handler is not None:
                    return await handler(ctx, incoming.files)
            elif incoming.text is not None and state.step in flow.texts:
                return await flow.texts[state.step](ctx, incoming.text)
            raise InvalidInput(N_("That is not what I asked for."))
        return await self.fallback(ctx)

    async def _run(self, ctx: Ctx, flow: Flow, route: Route) -> Any:
        if ctx.person is None and not route.public:
            return await self.stranger(ctx)
        _allowed(ctx, route)
        return await route.handler(ctx)

    async def _tap(self, ctx: Ctx, flow: Flow, route: Route, args: list[str]) -> Reply:
        """A button: role, payload and step are checked here, before its handler runs."""
        assert route.payload is not None
        _allowed(ctx, route)
        tap = route.payload.parse(args)
        state = ctx.state
        if route.steps is not None and not (state.flow == flow.name and state.step in route.steps):
            raise Stale(flow)
        state.switch(flow.name)  # a button acts on its own flow's draft, never another's
        reply = _as_reply(await route.handler(ctx, tap))
        # A question answered by this tap loses its buttons, unless its message is replaced anyway.
        reply.settle = route.steps is not None and not (reply.screens and reply.screens[0].replace)
        return reply

    def _with_menu(self, ctx: Ctx, reply: Reply) -> None:
        """No persistent keyboard: a screen that asks nothing ends with the main menu."""
        if self.keyboard is not None and ctx.person is not None and reply.screens:
            last = reply.screens[-1]
            if not last.buttons and last.menu is None:
                reply.screens[-1] = dataclasses.replace(last, menu=self.keyboard(ctx))

    def _read_tap(self, incoming: Incoming, shown: list | None, state: State) -> Incoming:
        """On a channel without buttons, a typed label or number may stand for a button shown before."""
        flow = self._by_name.get(state.flow or "")
        handler = flow.texts.get(state.step) if flow is not None and state.step is not None else None
        awaits_text = handler is not None and not getattr(handler, "wants_buttons", False)
        payload = tapped(shown, incoming.text or "", awaits_text=awaits_text)
        return incoming if payload is None else dataclasses.replace(incoming, text=None, payload=payload)

    async def _save(self, session: AsyncSession, ctx: Ctx, row: ConversationState | None, before: State,
                    shown: list | None = None) -> None:
        state = ctx.state
        changed = (state.flow, state.step, state.data) != (before.flow, before.step, before.data)
        if shown is not None and shown == (row.shown if row else None):
            shown = None
        if changed or shown is not None:
            await plumbing.save_state(session, row, ctx.incoming.channel, ctx.incoming.user_id, state.flow,
                                      state.step, state.data, self.services.clock.now(), shown=shown)

    async def _flush_notices(self, ctx: Ctx) -> bool:
        return await notices.queue(ctx.session, ctx.notices, self.services.clock.now(), self.services.zone) > 0

    async def _refuse(self, incoming: Incoming, error: ProgramError) -> Reply:
        """Nothing the handler did is kept; the user gets the reason and the same question again."""
        async with self.services.sessions() as session, session.begin():
            account, row = await chats.account_and_state(session, incoming.channel, incoming.user_id)
            state = _state_of(row)
            ctx = Ctx(session=session, incoming=incoming, services=self.services, account=account, state=state)
            text = ctx.t(error.message, **error.params)
            if isinstance(error, Stale) and account is not None:
                return Reply(await self._where_we_are(ctx, error.flow, text), toast=text[:190], outcome="refused")
            screens = [Screen(f"⚠️ {text}")]
            flow = self._by_name.get(state.flow or "")
            if isinstance(error, InvalidInput) and account is not None and flow is not None \
                    and state.step in flow.prompts:
                screens.extend(_as_reply(await flow.prompts[state.step](ctx)).screens)
            elif isinstance(error, NotFound) and account is not None:
                screens.extend(_as_reply(await self.fallback(ctx, quiet=True)).screens)
            return Reply(screens, toast=text[:190], outcome="refused")

    async def _where_we_are(self, ctx: Ctx, flow: Flow, text: str) -> list[Screen]:
        """The truth after a stale tap: the step the flow is at now, its paused draft, or that it is over."""
        state = ctx.state
        if state.flow == flow.name and state.step is not None and state.step in flow.prompts:
            now = ctx.t("Here is where we are now:")
            return [Screen(ctx.t("%(first)s %(then)s", first=text, then=now)),
                    *_as_reply(await flow.prompts[state.step](ctx)).screens]
        hint = flow.paused_hint if state.has_draft(flow.name) else flow.done_hint
        if hint is not None:
            return [Screen(ctx.t("%(first)s %(then)s", first=text, then=ctx.t(hint)))]
        return [Screen(text), *_as_reply(await self.fallback(ctx, quiet=True)).screens]


def _allowed(ctx: Ctx, route: Route) -> None:
    if route.roles is not None and not (ctx.roles & route.roles):
        raise NotAllowed(N_("This is not available for your role."))


def _state_of(row: ConversationState | None) -> State:
    """A private copy of the stored state: handlers change it freely, the row is written only if it differs."""
    return State(row.flow, row.step, row.data or {}).snapshot() if row else State()


def _as_reply(result: Any) -> Reply:
    if isinstance(result, Reply):
        return result
    if isinstance(result, Screen):
        return Reply([result])
    if isinstance(result, list):
        return Reply(result)
    raise TypeError(f"a handler returned {type(result).__name__}, not a Screen/Reply/list")
