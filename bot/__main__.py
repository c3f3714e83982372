"""`python -m bot` is the same as the `yingcai` command."""
import sys

from bot.cli import main

sys.exit(main())
