"""The Bot API methods the emulator answers, one module per area, each method declared on its implementation."""

from ..params import MethodSet
from .bot import methods as _bot
from .media import methods as _media
from .messages import methods as _messages
from .polling import methods as _polling
from .webhook import methods as _webhook

BOT_API: MethodSet = _bot | _polling | _webhook | _messages | _media

__all__ = ["BOT_API"]
