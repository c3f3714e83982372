"""`make bench`: every speed benchmark of issue 10 in one command (`--quick`: the CI smoke test, no thresholds)."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# echo ratio · p95, SQL, RSS at scale · workers · the echo ratio with the engine at its floor
BENCHMARKS = ("throughput.py", "engine_latency.py", "scaling.py", "floor.py")


def main(argv: list[str]) -> int:
    failed = []
    for script in BENCHMARKS:
        print(f"== bench/{script} {' '.join(argv)}", flush=True)
        if subprocess.run([sys.executable, str(ROOT / "bench" / script), *argv], cwd=ROOT, check=False).returncode:
            failed.append(script)
    if failed:
        print(f"failed: {', '.join(failed)}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
