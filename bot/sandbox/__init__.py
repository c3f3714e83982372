"""The local sandbox: the real bot against the Bot API emulator, with a web chat page and demo data."""
