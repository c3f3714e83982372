"""The kit every flow is written with: screens, typed payloads, declared steps, the context, a wizard."""
from handlers.kit.context import Ctx, Services
from handlers.kit.flows import Flow, Flows, Handler, Route, Stale
from handlers.kit.payloads import MAX_ID, MalformedPayload, NoSuchId, Payload, id_from
from handlers.kit.screens import (
    MAX_PAYLOAD_BYTES,
    SETTLED,
    Button,
    FileRef,
    Incoming,
    Notice,
    Reply,
    Rows,
    Screen,
    Upload,
    esc,
    excerpt,
    pager,
    rows,
    settled_label,
)
from handlers.kit.state import State
from handlers.kit.taps import SHOWN_SCREENS, remember, shown_buttons, tapped, wants_buttons

__all__ = [
    "MAX_ID", "MAX_PAYLOAD_BYTES", "SETTLED", "SHOWN_SCREENS", "Button", "Ctx", "FileRef", "Flow", "Flows",
    "Handler", "Incoming", "MalformedPayload", "NoSuchId", "Notice", "Payload", "Reply", "Route", "Rows",
    "Screen", "Services", "Upload", "Stale", "State", "esc", "excerpt", "id_from", "pager", "remember", "rows",
    "settled_label", "shown_buttons", "tapped", "wants_buttons",
]
