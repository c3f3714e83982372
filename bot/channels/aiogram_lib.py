"""aiogram, imported with its Telegram models built on first use: ≈100 MiB less per worker.

`aiogram.types` rebuilds every one of its ~450 pydantic models at import (`model_rebuild` with a namespace of all
the types), each with its own validator inlining everything it nests: 155 of a worker's 200 MiB. The bot
validates a handful of them (Update, and the few methods it calls). Here that loop only hands each model the
namespace; pydantic builds a model (and what it nests) the first time it is used, from that namespace, exactly as
the loop would have. Methods defined before their types were built get the same namespace.

If aiogram was imported already, or no longer rebuilds this way, this changes nothing: plain aiogram.
`tests/emulator/test_aiogram_lib.py` checks that updates and methods read and write the same either way.
"""
from __future__ import annotations

import sys
from typing import Any

from pydantic import BaseModel

NAMESPACE: dict[str, Any] = {}  # the names aiogram's rebuild loop resolves the models' annotations with


def _import_deferred() -> None:
    if "aiogram" in sys.modules:
        return
    rebuild = BaseModel.model_rebuild.__func__  # type: ignore[attr-defined]

    def deferred(cls: type[BaseModel], *args: Any, _types_namespace: dict[str, Any] | None = None,
                 **kwargs: Any) -> bool | None:
        if _types_namespace is not None and not args and not kwargs and cls.__module__.startswith("aiogram.types."):
            if not NAMESPACE:
                NAMESPACE.update(_types_namespace)
            cls.__pydantic_parent_namespace__ = NAMESPACE
            return None
        return rebuild(cls, *args, _types_namespace=_types_namespace, **kwargs)  # type: ignore[no-any-return]

    BaseModel.model_rebuild = classmethod(deferred)  # type: ignore[assignment, method-assign]
    try:
        import aiogram  # noqa: F401 - the import whose rebuild loop is deferred
        import aiogram.methods as methods
    finally:
        BaseModel.model_rebuild = classmethod(rebuild)  # type: ignore[method-assign]
    if NAMESPACE:
        # Response[Message] and the like are made per call; pydantic resolves all a model nests with the outer
        # model's namespace, and a parametrized generic inherits its origin's.
        models = [getattr(methods, name, None) for name in methods.__all__]
        for model in [m for m in models if isinstance(m, type) and issubclass(m, BaseModel)] + [methods.Response]:
            if model is methods.Response or not model.__pydantic_complete__:
                model.__pydantic_parent_namespace__ = NAMESPACE
        _keep_responses(methods.Response)


def _keep_responses(response: type[BaseModel]) -> None:
    """Makes each `Response[...]` (`Response[Message]`, `Response[list[Update]]`) once per process.

    pydantic holds parametrized models weakly, so a garbage collection frees them and the next call makes them
    again; made again, such a model builds what it nests (a Message: most of Telegram's types) from scratch,
    since those are built only inside the models that use them: 0.2-0.35 s of CPU each time, on the event loop.
    """
    make = response.__class_getitem__
    made: dict[Any, Any] = {}

    def class_getitem(cls: type[BaseModel], params: Any) -> Any:
        if cls is not response:  # a subclass of Response, parametrized through its own class
            return make.__func__(cls, params)  # type: ignore[attr-defined]
        try:
            return made[params]
        except KeyError:
            made[params] = made_now = make(params)
            return made_now
        except TypeError:  # parameters that cannot be a key: made as pydantic would
            return make(params)

    response.__class_getitem__ = classmethod(class_getitem)  # type: ignore[assignment, method-assign]


_import_deferred()
