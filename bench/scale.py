"""One rasa replica vs two behind nginx, on PostgreSQL and Redis: throughput and latency.

`python -m bench.scale` writes bench/results/scale.md. Needs Debian's postgresql,
redis-server and nginx (as `.ci/run` installs) and a trained model.
"""

import argparse
import os
import platform
import tempfile
from pathlib import Path
from typing import List, Optional, Sequence

from bench.data import ROOT
from bench.load import CONVERSATION, LoadResult, run_load
from tests.services import running_nginx, running_replicas

RESULTS = ROOT / "bench" / "results" / "scale.md"


def row(label: str, result: LoadResult) -> str:
    """One table row: setup, users, messages, throughput, p50, p99, errors."""
    return (f"| {label} | {result.users} | {len(result.latencies_ms)} | "
            f"{result.throughput:.1f} | {result.p50:.0f} | {result.percentile(99):.0f} | "
            f"{len(result.errors)} |")


def main(argv: Optional[Sequence[str]] = None) -> int:
    """Runs both setups at each load; returns the exit status."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, nargs="+", default=[10, 50])
    args = parser.parse_args(argv)
    rows: List[str] = []
    folder = Path(tempfile.mkdtemp(prefix="tandem-scale-"))
    with running_replicas(folder) as (first, second):
        for bot in (first, second):
            run_load(bot.url, 5, prefix="warmup")
        upstreams = [bot.url.removeprefix("http://") for bot in (first, second)]
        with running_nginx(upstreams) as balancer:
            for users in args.users:
                rows.append(row("1 replica", run_load(first.url, users)))
                rows.append(row("2 replicas + nginx", run_load(balancer.url, users)))
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text("\n".join([
        "# Scale-out: one rasa replica vs two",
        "",
        f"Machine: {os.cpu_count()} cores, {platform.python_implementation()} "
        f"{platform.python_version()}. PostgreSQL tracker and profile store, Redis lock "
        f"store, one action server per replica. Each simulated person sends the same "
        f"{len(CONVERSATION)} messages in order (bench/load.py), waiting for each reply; "
        "all people start together. Latency in ms per REST request.",
        "",
        "| setup | people | messages | messages/s | p50 ms | p99 ms | errors |",
        "|---|---|---|---|---|---|---|",
        *rows,
        "",
        "A rasa server handles messages on one event loop, so one replica keeps about one "
        "core busy; the second replica puts the machine's second core to work, hence more "
        "throughput and lower latency here even though both replicas and both action "
        "servers share two cores. How far this goes on separate machines is not measured "
        "here; correctness under this load is checked by tests/test_scale.py.",
        "",
    ]))
    print(RESULTS.read_text())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
