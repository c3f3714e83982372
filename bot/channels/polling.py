"""Long polling shared by both adapters: acknowledge a batch only after it was handled, chats in order."""
from __future__ import annotations

import asyncio
import logging
from collections import OrderedDict
from typing import Awaitable, Callable, Generic, Hashable, Sequence, TypeVar

log = logging.getLogger(__name__)
U = TypeVar("U")


class Poller(Generic[U]):
    """Fetches updates and hands them to `process`.

    Updates of one chat are processed one after another in arrival order; different chats run
    concurrently. The next getUpdates (which confirms the batch to Telegram) is only sent once every
    update of the batch was handled, so a crash mid-batch gets the batch redelivered; the engine
    drops the update ids it already handled.
    """

    def __init__(self, fetch: Callable[[int | None, int], Awaitable[Sequence[U]]],
                 process: Callable[[U], Awaitable[None]], *, update_id: Callable[[U], int],
                 chat_of: Callable[[U], Hashable], timeout: int = 25, parallel_chats: int = 32) -> None:
        self.fetch, self.process, self.update_id, self.chat_of = fetch, process, update_id, chat_of
        self.timeout = timeout
        self.offset: int | None = None
        self._slots = asyncio.Semaphore(parallel_chats)

    async def run(self, stop: asyncio.Event) -> None:
        failures = 0
        while not stop.is_set():
            fetching = asyncio.ensure_future(self.fetch(self.offset, self.timeout))
            stopping = asyncio.ensure_future(stop.wait())
            await asyncio.wait({fetching, stopping}, return_when=asyncio.FIRST_COMPLETED)
            if not fetching.done():
                fetching.cancel()
                await asyncio.gather(fetching, return_exceptions=True)
                break
            stopping.cancel()
            try:
                updates = fetching.result()
            except Exception as error:
                failures += 1
                delay = min(30.0, 0.5 * 2 ** min(failures, 6))
                log.warning("getUpdates failed (%s); retrying in %.1fs", error, delay)
                try:
                    await asyncio.wait_for(stop.wait(), delay)
                except asyncio.TimeoutError:
                    pass
                continue
            failures = 0
            if updates:
                await self.handle_batch(updates)
                self.offset = max(self.update_id(u) for u in updates) + 1

    async def handle_batch(self, updates: Sequence[U]) -> None:
        chats: OrderedDict[Hashable, list[U]] = OrderedDict()
        for update in sorted(updates, key=self.update_id):
            chats.setdefault(self.chat_of(update), []).append(update)
        await asyncio.gather(*(self._chat_in_order(batch) for batch in chats.values()))

    async def _chat_in_order(self, batch: list[U]) -> None:
        async with self._slots:
            for update in batch:
                try:
                    await self.process(update)
                except Exception:
                    log.exception("update %s could not be handled", self.update_id(update))

    async def acknowledge(self) -> None:
        """On a clean stop, confirm the last batch so it is not redelivered."""
        if self.offset is not None:
            try:
                await self.fetch(self.offset, 0)
            except Exception as error:
                log.info("could not confirm the last updates on stop (%s); they will be dropped as repeats", error)
