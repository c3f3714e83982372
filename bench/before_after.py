"""Before and after in one run: bench/throughput.py and bench/engine_latency.py on an older revision, then on this one.

`python bench/before_after.py --baseline <rev> [--quick]` checks the revision out into a temporary git worktree
(sharing bench/.cache, so both measure the same data), runs the two benchmarks there, then here, and writes
bench/results/before_after.json with the key numbers side by side. The benchmark scripts of this checkout are
used for both, so the measurements are the same; only the code under test differs.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCRIPTS = ("throughput.py", "engine_latency.py")
TIME_LIMIT = 3600  # seconds for one benchmark of one revision


def run(tree: Path, script: str, out: Path, quick: bool) -> dict:
    """Runs this checkout's `script` against the code of `tree`; returns its JSON."""
    out.mkdir(parents=True, exist_ok=True)
    if tree != ROOT:
        for name in (script, "sweep_data.py", "reminder_sweeps.py", "echo_bot.py"):
            shutil.copy(ROOT / "bench" / name, tree / "bench" / name)
    args = [sys.executable, str(tree / "bench" / script), "--out", str(out)] + (["--quick"] if quick else [])
    env = {**os.environ, "PYTHONPATH": str(tree)}
    subprocess.run(args, cwd=tree, env=env, check=True, timeout=TIME_LIMIT)
    name = script.removesuffix(".py") + ("-quick" if quick else "")
    return json.loads((out / f"{name}.json").read_text(encoding="utf-8"))


def key_numbers(throughput: dict, latency: dict) -> dict:
    def name(r: dict) -> str:
        return f"{r['engine']} {r['kind']}" + (" on PostgreSQL" if r.get("database") == "postgresql" else "")

    numbers = {f"{name(r)} updates/s": r["updates_per_second"] for r in throughput["runs"]}
    numbers |= {f"{name(r)} peak RSS MiB": r.get("peak_rss_mib") for r in throughput["runs"]}
    numbers |= {f"{name(r)} updates per CPU-second": r.get("updates_per_cpu_second") for r in throughput["runs"]}
    numbers |= {f"{engine} log step / echo": ratio for engine, ratio in throughput["flow_to_echo_ratio"].items()}
    numbers |= {f"{engine} log step / echo, per CPU-second": ratio
                for engine, ratio in throughput.get("flow_to_echo_ratio_by_cpu", {}).items()}
    on_postgresql = throughput.get("postgresql", {})
    numbers |= {f"{engine} log step / echo on PostgreSQL, per CPU-second of the bot": ratio
                for engine, ratio in on_postgresql.get("flow_to_echo_ratio_by_cpu", {}).items()}
    numbers |= {f"{engine} log step / echo on PostgreSQL, per CPU-second of the bot and PostgreSQL": ratio
                for engine, ratio in on_postgresql.get("flow_to_echo_ratio_by_cpu_with_database", {}).items()}
    numbers |= {f"SQL: {path}": count for path, count in throughput["sql_statements_per_update"].items()}
    for database, result in latency.get("databases", {}).items():
        for label in ("log_steps", "all_updates"):
            for q in ("p50_ms", "p95_ms", "p99_ms"):
                numbers[f"{database} {label.replace('_', ' ')} {q}"] = result[label][q]
        numbers[f"{database} SQL per log step (typed text)"] = \
            result["by_step"]["log step: types what they did"]["sql_statements"]
        numbers[f"{database} worker peak RSS MiB"] = result["peak_rss_mib"]
    return numbers


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baseline", required=True, help="the git revision measured as 'before'")
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--only", choices=SCRIPTS, help="one of the two benchmarks")
    args = parser.parse_args()
    revision = subprocess.run(["git", "rev-parse", "--short", args.baseline], cwd=ROOT, check=True,
                              capture_output=True, text=True).stdout.strip()
    here = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, check=True, capture_output=True,
                          text=True).stdout.strip()
    scratch = Path(tempfile.mkdtemp(prefix="yingcai-before-"))
    tree = scratch / "tree"
    subprocess.run(["git", "worktree", "add", "--detach", str(tree), revision], cwd=ROOT, check=True)
    try:
        (ROOT / "bench" / ".cache").mkdir(exist_ok=True)
        (tree / "bench" / ".cache").symlink_to(ROOT / "bench" / ".cache")
        for locale in ROOT.glob("locales/*/LC_MESSAGES/*.mo"):
            shutil.copy(locale, tree / locale.relative_to(ROOT))
        results: dict[str, dict] = {"before": {}, "after": {}}
        # Interleaved, so a change in the machine's load hits both sides alike.
        for script in [args.only] if args.only else SCRIPTS:
            print(f"== {script}: before ({revision})", flush=True)
            results["before"][script] = run(tree, script, scratch / "before", args.quick)
            print(f"== {script}: after ({here})", flush=True)
            results["after"][script] = run(ROOT, script, scratch / "after", args.quick)
    finally:
        subprocess.run(["git", "worktree", "remove", "--force", str(tree)], cwd=ROOT, check=False)
        shutil.rmtree(scratch, ignore_errors=True)
    before, after = (key_numbers(results[side].get("throughput.py", {"runs": [], "flow_to_echo_ratio": {},
                                                                      "sql_statements_per_update": {}}),
                                 results[side].get("engine_latency.py", {}))
                     for side in ("before", "after"))
    print(f"\n{'':52s} {'before':>10s} {'after':>10s}")
    for name in before:
        print(f"{name:52s} {before[name]!s:>10s} {after.get(name)!s:>10s}")
    name = "before_after" + (f"-{args.only.removesuffix('.py')}" if args.only else "")
    name += "-quick" if args.quick else ""
    target = ROOT / "bench" / "results" / f"{name}.json"
    target.write_text(json.dumps({"when": datetime.now(UTC).isoformat(timespec="seconds"), "before": revision,
                                  "after": here, "numbers": {k: [before[k], after.get(k)] for k in before},
                                  "runs": results}, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"written to {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
