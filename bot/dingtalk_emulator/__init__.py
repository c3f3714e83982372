"""A DingTalk Stream gateway and robot OpenAPI in the repository, for tests and the sandbox."""
from bot.dingtalk_emulator.markdown import BotMessage
from bot.dingtalk_emulator.server import DingTalkEmulator

__all__ = ["BotMessage", "DingTalkEmulator"]
