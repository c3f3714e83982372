"""The page's own words (not the bot's): msgids served translated to the browser by /api/texts."""
from __future__ import annotations

from program.i18n import N_, translator

PAGE_TEXTS: dict[str, str] = {
    "title": N_("Yingcai bot · local sandbox"),
    "banner": N_("Local sandbox with demo data: nothing leaves this computer and nothing goes to Telegram."),
    "people": N_("Who are you?"),
    "choose_person": N_("Choose a person in the list to open their chat with the bot."),
    "you_are": N_("You are %(name)s"),
    "message_placeholder": N_("Write a message…"),
    "send": N_("Send the message"),
    "send_photo": N_("Send a photo"),
    "send_file": N_("Send a file"),
    "sending": N_("Sending…"),
    "edited": N_("edited"),
    "no_messages": N_("No messages yet."),
    "clock": N_("Sandbox clock"),
    "clock_hint": N_("Moves the program's date in this sandbox only."),
    "jump": N_("Jump"),
    "next_day": N_("+1 day"),
    "real_time": N_("Real time"),
    "clock_moved": N_("The sandbox clock now reads %(moment)s."),
    "quiet_hours": N_("Quiet hours: messages to other people wait until %(time)s."),
    "offline": N_("The sandbox is not answering; retrying…"),
    "failed": N_("That did not work: %(error)s"),
    "file_too_big": N_("That file is too big: at most %(limit)d MB."),
    "bot": N_("bot"),
    "typing": N_("typing…"),
    "on_telegram": N_("Telegram"),
    "on_dingtalk": N_("DingTalk"),
    "switch_channel": N_("Switch this person between Telegram and DingTalk: the same bot, shown as each renders it"),
}


def page_texts(language: str | None) -> dict[str, str]:
    t = translator(language)
    return {key: t.raw(msgid) for key, msgid in PAGE_TEXTS.items()}
