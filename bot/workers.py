"""`yingcai run --workers N`: N bot processes behind one listening socket, restarted if they die.

The parent binds the webhook's address once and hands the socket to each worker, so the kernel spreads
Telegram's connections over them; it applies the migrations before they start, gives them one
directory for multi-process metrics, forwards SIGTERM and exits 0 once they all stopped cleanly.
"""
from __future__ import annotations

import logging
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Sequence

from bot.settings import Settings, host_port

log = logging.getLogger(__name__)
LISTEN_FD = "YINGCAI_LISTEN_FD"
MAX_RESTARTS = 5  # within RESTART_WINDOW seconds; more means something is wrong that restarting won't fix
RESTART_WINDOW = 60.0


def listening_socket(address: str) -> socket.socket:
    host, port = host_port(address)
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    return socket.create_server((host, port), family=family, backlog=256, reuse_port=True)


def inherited_socket() -> socket.socket | None:
    """In a worker: the socket the parent bound, if there is one."""
    fd = os.environ.get(LISTEN_FD)
    return socket.socket(fileno=int(fd)) if fd and fd.isdigit() else None


class Supervisor:
    def __init__(self, count: int, child_args: Sequence[str], settings: Settings) -> None:
        self.count, self.child_args, self.settings = count, list(child_args), settings
        self.stopping = False
        self.children: dict[int, subprocess.Popen[bytes]] = {}
        self.restarts: list[float] = []

    def run(self) -> int:
        server = inherited_socket() or listening_socket(self.settings.webhook_listen)
        metrics_dir = self._metrics_dir()
        env = {**os.environ, LISTEN_FD: str(server.fileno()), "PROMETHEUS_MULTIPROC_DIR": str(metrics_dir)}
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, self._stop)
        bound = server.getsockname()
        print(f"yingcai: {self.count} workers on http://{bound[0]}:{bound[1]}", file=sys.stderr, flush=True)
        try:
            for index in range(self.count):
                self._spawn(index, env, server)
            failed = self._watch(env, server)
        finally:
            self._terminate()
            server.close()
        return 1 if failed else 0

    def _metrics_dir(self) -> Path:
        given = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
        path = Path(given) if given else Path(tempfile.mkdtemp(prefix="yingcai-metrics-"))
        if given:  # counters of an earlier run would be added to this one's
            shutil.rmtree(path, ignore_errors=True)
        path.mkdir(parents=True, exist_ok=True)
        return path

    def _spawn(self, index: int, env: dict[str, str], server: socket.socket) -> None:
        child = subprocess.Popen([sys.executable, "-m", "bot", *self.child_args],
                                 env={**env, "YINGCAI_WORKER": str(index)},
                                 pass_fds=(server.fileno(),))
        self.children[index] = child
        log.info("worker %d started (pid %d)", index, child.pid)

    def _watch(self, env: dict[str, str], server: socket.socket) -> bool:
        from bot import metrics

        while self.children:
            time.sleep(0.2)
            for index, child in list(self.children.items()):
                code = child.poll()
                if code is None:
                    continue
                del self.children[index]
                metrics.forget_process(child.pid)
                if self.stopping:
                    # -SIGTERM: it was stopped before its event loop took over SIGTERM, so before it took any update.
                    if code not in (0, -signal.SIGTERM):
                        log.warning("worker %d exited with %d while stopping", index, code)
                        return True
                    continue
                log.error("worker %d (pid %d) exited with %d; starting it again", index, child.pid, code)
                now = time.monotonic()
                self.restarts = [t for t in self.restarts if now - t < RESTART_WINDOW] + [now]
                if len(self.restarts) > MAX_RESTARTS:
                    log.error("workers keep dying (%d restarts in %.0fs); giving up", MAX_RESTARTS, RESTART_WINDOW)
                    self.stopping = True
                    return True
                self._spawn(index, env, server)
        return False

    def _stop(self, _signum: int, _frame: object) -> None:
        if not self.stopping:
            self.stopping = True
            for child in self.children.values():
                child.send_signal(signal.SIGTERM)

    def _terminate(self) -> None:
        """Whatever is still running gets SIGTERM, then SIGKILL once the grace period is over."""
        deadline = time.monotonic() + self.settings.shutdown_grace + 10
        for child in self.children.values():
            if child.poll() is None:
                child.send_signal(signal.SIGTERM)
        for child in self.children.values():
            try:
                child.wait(max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                child.kill()
                child.wait()

