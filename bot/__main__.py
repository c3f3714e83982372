"""`python -m bot` is the same as the `yingcai` command."""
import os
import signal
import sys

if os.environ.get("YINGCAI_WORKER") is not None:
    # A worker told to stop while it is still importing has taken no update yet: it may simply exit 0.
    # The event loop installs the real handler (finish what is in flight) before the worker takes updates.
    signal.signal(signal.SIGTERM, lambda _signum, _frame: sys.exit(0))

from bot.cli import main  # noqa: E402

sys.exit(main())
