"""Tandem side by side with the assistant `rasa init` creates: training, start-up, memory, latency.

`python -m bench.runtime` (part of `make bench`) trains both in a temporary folder, serves
each in turn on loopback and writes bench/results/runtime.md and runtime.json. Both are
measured in one run on the same machine, so the ratios hold even when absolute numbers
move with the machine's load.
"""

import argparse
import json
import math
import os
import platform
import shutil
import statistics
import subprocess
import tempfile
import time
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Callable, ContextManager, Dict, Iterator, List, Optional, Sequence

import requests

from bench import data
from bench.load import CONVERSATION, LoadResult, percentile, run_load
from scripts.wait_for_port import free_port
from tests.servers import RASA, TOKEN, running_bot, stop_process, wait_http

RESULTS = data.ROOT / "bench" / "results"
LONG_CONVERSATION = 200
MESSAGES_PER_USER = 20


@dataclass
class Served:
    """A running assistant: its REST base URL and the processes to watch."""

    url: str
    startup_seconds: float
    pids: Dict[str, int]


@dataclass
class Figures:
    """Everything measured for one assistant."""

    name: str
    train_seconds: float = float("nan")
    startup_seconds: float = float("nan")
    rss_mb: Dict[str, float] = field(default_factory=dict)
    sequential_ms: List[float] = field(default_factory=list)
    load: Dict[int, Dict[str, float]] = field(default_factory=dict)
    long_conversation_ms: List[float] = field(default_factory=list)
    soak_messages: int = 0
    soak_errors: int = 0
    soak_silent: int = 0
    rss_before_soak_mb: Dict[str, float] = field(default_factory=dict)
    rss_after_soak_mb: Dict[str, float] = field(default_factory=dict)


def rss_mb(pid: int) -> float:
    """Current resident memory (VmRSS) of a process, in MiB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def timed_run(command: Sequence[str], cwd: Path, log: Path) -> float:
    """Runs a command to completion, output to `log`; returns its wall time in seconds.

    Rasa reuses trained components from its cache (~/.rasa/cache), so each run gets an
    empty cache of its own: training is timed from scratch.
    """
    started = time.perf_counter()
    with open(log, "w") as out, tempfile.TemporaryDirectory() as cache:
        subprocess.run(command, cwd=cwd, stdout=out, stderr=subprocess.STDOUT, check=True,
                       env=dict(os.environ, TF_CPP_MIN_LOG_LEVEL="2",
                                RASA_CACHE_DIRECTORY=cache))
    return time.perf_counter() - started


def train_stock(folder: Path) -> tuple:
    """Creates the `rasa init` assistant and retrains it, timed; returns (project, model, s)."""
    project = folder / "stock"
    project.mkdir()
    subprocess.run([RASA, "init", "--no-prompt", "--init-dir", str(project)], cwd=project,
                   stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT, check=True)
    shutil.rmtree(project / "models")
    seconds = timed_run([RASA, "train", "--force", "--fixed-model-name", "stock",
                         "--out", "models"], project, folder / "stock-train.log")
    return project, project / "models" / "stock.tar.gz", seconds


def train_tandem(folder: Path) -> tuple:
    """Trains Tandem from scratch into `folder`, timed, as `make train` does; returns (model, s)."""
    out = folder / "tandem-models"
    seconds = timed_run([RASA, "train", "--force", "--domain", "domain", "--data", "data",
                         "--config", "config.yml", "--fixed-model-name", "tandem",
                         "--out", str(out)], data.ROOT, folder / "tandem-train.log")
    return out / "tandem.tar.gz", seconds


@contextmanager
def serving_stock(project: Path, model: Path) -> Iterator[Served]:
    """`rasa run` for the stock assistant as shipped (in-memory tracker store, no actions)."""
    port = free_port()
    started = time.monotonic()
    process = subprocess.Popen(
        [RASA, "run", "--enable-api", "--auth-token", TOKEN, "--model", str(model),
         "--interface", "127.0.0.1", "--port", str(port)], cwd=project,
        env=dict(os.environ, TF_CPP_MIN_LOG_LEVEL="2"),
        stdout=open(project / "rasa.log", "w"), stderr=subprocess.STDOUT)
    try:
        wait_http(f"http://127.0.0.1:{port}/status?token={TOKEN}", 300, process)
        yield Served(f"http://127.0.0.1:{port}", time.monotonic() - started,
                     {"rasa": process.pid})
    finally:
        stop_process(process)


@contextmanager
def serving_tandem(folder: Path, model: Path) -> Iterator[Served]:
    """Tandem as `make serve` runs it: action server and SQLite tracker store."""
    with running_bot(folder / "tandem.db", model=model, start_together=False) as bot:
        yield Served(bot.url, bot.startup_seconds,
                     {"rasa": bot.rasa_pid, "actions": bot.actions_pid})


def post(session: requests.Session, url: str, sender: str, text: str) -> float:
    """One REST message; returns the round trip in milliseconds."""
    began = time.perf_counter()
    response = session.post(f"{url}/webhooks/rest/webhook", timeout=120,
                            json={"sender": sender, "message": text})
    response.raise_for_status()
    return (time.perf_counter() - began) * 1000


def failures(result: LoadResult) -> Dict[str, int]:
    """Requests that failed, and requests answered with no message at all."""
    silent = sum("no reply" in error for error in result.errors)
    return {"errors": len(result.errors) - silent, "silent": silent}


def memory(served: Served) -> Dict[str, float]:
    """Resident memory of each of the assistant's processes now."""
    return {name: rss_mb(pid) for name, pid in served.pids.items()}


def measure(figures: Figures, served: Served, texts: List[str], users: Sequence[int],
            soak: int) -> None:
    """Runs every measurement against one running assistant, filling `figures`."""
    figures.startup_seconds = served.startup_seconds
    session = requests.Session()
    for i, text in enumerate(texts[:20]):
        post(session, served.url, f"warmup-{i % 4}", text)
    # Sequential: several short conversations, one message at a time.
    figures.sequential_ms = [post(session, served.url, f"seq-{i // 10}", text)
                             for i, text in enumerate(texts)]
    for count in users:
        result = run_load(served.url, count, CONVERSATION * (MESSAGES_PER_USER // 10),
                          prefix=f"load{count}")
        figures.load[count] = {"throughput": result.throughput, "p50": result.p50,
                               "p99": result.percentile(99),
                               "messages": len(result.latencies_ms), **failures(result)}
    long_texts = (texts * (LONG_CONVERSATION // len(texts) + 1))[:LONG_CONVERSATION]
    figures.long_conversation_ms = [post(session, served.url, "long-conversation", text)
                                    for text in long_texts]
    figures.rss_mb = memory(served)
    figures.rss_before_soak_mb = figures.rss_mb
    sent = 0
    while sent < soak:
        result = run_load(served.url, 10, CONVERSATION, prefix="soak")
        counts = failures(result)
        sent += len(result.latencies_ms) + counts["errors"]
        figures.soak_errors += counts["errors"]
        figures.soak_silent += counts["silent"]
    figures.soak_messages = sent
    figures.rss_after_soak_mb = memory(served)


def ratio(tandem: float, stock: float) -> str:
    """Tandem's figure as a multiple of the stock assistant's."""
    return f"{tandem / stock:.2f}x" if stock and stock == stock else "n/a"


def memory_change(before: float, after: float) -> str:
    """Resident memory before and after, with the relative change."""
    return f"{before:,.0f} → {after:,.0f} MiB ({after / before - 1:+.1%})"


def verdict(ok: bool) -> str:
    """How a goal reads in the report."""
    return "met" if ok else "**not met**"


def report(tandem: Figures, stock: Figures, note: str) -> str:
    """The markdown report with each Tandem figure, the stock one and their ratio."""
    def row(label: str, t: float, s: float, unit: str, digits: int = 0) -> str:
        def cell(value: float) -> str:
            # `--model` serves a trained model, so its training is not timed in that run.
            return "not timed in this run" if math.isnan(value) else \
                f"{value:,.{digits}f} {unit}"
        shown = "n/a" if math.isnan(t) or math.isnan(s) else ratio(t, s)
        return f"| {label} | {cell(t)} | {cell(s)} | {shown} |"

    t_seq, s_seq = tandem.sequential_ms, stock.sequential_ms
    lines = [
        "# Runtime: Tandem vs the stock `rasa init` assistant",
        "",
        f"Machine: {os.cpu_count()} cores, {platform.python_implementation()} "
        f"{platform.python_version()}, Rasa 3.6.21. Both trained (each with an empty Rasa "
        "cache) and measured by `python -m bench.runtime` (part of `make bench`), one after "
        "the other, each alone on the machine. Tandem runs as `make serve` does (action "
        "server, SQLite tracker and profile store); the stock assistant as `rasa init "
        "--no-prompt` ships it (default pipeline with DIET, TED policy, in-memory tracker "
        "store, no custom actions). "
        "Latency is the REST round trip measured by the client.",
        "",
        "| measure | Tandem | stock | ratio |",
        "|---|---|---|---|",
        row("training time (`rasa train`, from scratch)", tandem.train_seconds,
            stock.train_seconds, "s"),
        row("start-up to a loaded model", tandem.startup_seconds, stock.startup_seconds,
            "s", 1),
        row("resident memory, rasa server", tandem.rss_mb["rasa"], stock.rss_mb["rasa"],
            "MiB"),
        f"| resident memory, action server | {tandem.rss_mb.get('actions', 0):,.0f} MiB "
        "| none (no custom actions) | n/a |",
        row(f"sequential latency p50 ({len(t_seq)} messages)", statistics.median(t_seq),
            statistics.median(s_seq), "ms"),
        row("sequential latency p99", percentile(t_seq, 99), percentile(s_seq, 99), "ms"),
    ]
    for count in sorted(tandem.load):
        t, s = tandem.load[count], stock.load[count]
        lines += [
            row(f"{count} concurrent users: throughput", t["throughput"], s["throughput"],
                "msg/s", 1),
            row(f"{count} concurrent users: p50", t["p50"], s["p50"], "ms"),
            row(f"{count} concurrent users: p99", t["p99"], s["p99"], "ms"),
        ]
    t_long, s_long = tandem.long_conversation_ms, stock.long_conversation_ms
    lines += [
        row("long conversation: message 1", t_long[0], s_long[0], "ms"),
        row(f"long conversation: message {len(t_long)}", t_long[-1], s_long[-1], "ms"),
        row("long conversation: median of messages 1-10", statistics.median(t_long[:10]),
            statistics.median(s_long[:10]), "ms"),
        row(f"long conversation: median of messages {len(t_long) - 9}-{len(t_long)}",
            statistics.median(t_long[-10:]), statistics.median(s_long[-10:]), "ms"),
    ]
    for name in tandem.rss_before_soak_mb:
        stock_growth = (memory_change(stock.rss_before_soak_mb[name],
                                      stock.rss_after_soak_mb[name])
                        if name in stock.rss_before_soak_mb else "n/a")
        change = memory_change(tandem.rss_before_soak_mb[name], tandem.rss_after_soak_mb[name])
        lines.append(f"| memory over {tandem.soak_messages:,} messages, {name} | {change} "
                     f"| {stock_growth} | |")
    p99_10 = tandem.load.get(10, {}).get("p99", float("nan"))
    long_ratio = statistics.median(t_long[-10:]) / statistics.median(t_long[:10])
    growth = max(tandem.rss_after_soak_mb[n] / tandem.rss_before_soak_mb[n] - 1
                 for n in tandem.rss_before_soak_mb)
    seq_ratio = statistics.median(t_seq) / statistics.median(s_seq)
    lines += [
        "",
        f"Failed requests: Tandem {sum(int(v['errors']) for v in tandem.load.values())} under "
        f"load and {tandem.soak_errors} in the soak; stock "
        f"{sum(int(v['errors']) for v in stock.load.values())} and {stock.soak_errors}. "
        f"Messages answered with nothing at all: Tandem "
        f"{sum(int(v['silent']) for v in tandem.load.values()) + tandem.soak_silent}, stock "
        f"{sum(int(v['silent']) for v in stock.load.values()) + stock.soak_silent}.",
        "",
        "## Goals",
        "",
        "| goal | measured | |",
        "|---|---|---|",
        f"| per-message latency within 1.5x of stock (sequential p50) | {seq_ratio:.2f}x "
        f"| {verdict(seq_ratio <= 1.5)} |",
        f"| p99 under 300 ms at 10 concurrent users | {p99_10:,.0f} ms "
        f"| {verdict(p99_10 < 300)} |",
        f"| message {len(t_long)} no slower than 1.5x message 1 (medians of 10) "
        f"| {long_ratio:.2f}x | {verdict(long_ratio <= 1.5)} |",
        f"| memory growth under 5% over {tandem.soak_messages:,} messages (worst process) "
        f"| {growth:+.1%} | {verdict(growth < 0.05)} |",
        "",
        note,
        "",
    ]
    return "\n".join(lines)


def saved_figures(path: Path) -> Dict[str, Figures]:
    """The figures of an earlier run, from its runtime.json."""
    saved = json.loads(path.read_text())
    figures = {}
    for key, values in saved.items():
        values["load"] = {int(users): row for users, row in values["load"].items()}
        figures[key] = Figures(**values)
    return figures


def main(argv: Optional[Sequence[str]] = None) -> int:
    """Trains, serves and measures both assistants; writes the report."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, nargs="+", default=[1, 10, 50])
    parser.add_argument("--soak", type=int, default=10_000,
                        help="messages sent between the two memory readings")
    parser.add_argument("--sequential", type=int, default=200)
    parser.add_argument("--model", type=Path,
                        help="serve this Tandem model instead of training one (no training time)")
    parser.add_argument("--note", default="", help="text appended to the report")
    parser.add_argument("--training-only", action="store_true",
                        help="time both trainings again; keep the rest from runtime.json")
    args = parser.parse_args(argv)
    if args.training_only:
        saved = saved_figures(RESULTS / "runtime.json")
        stock, tandem = saved["stock"], saved["tandem"]
        with tempfile.TemporaryDirectory(prefix="tandem-runtime-") as scratch:
            stock.train_seconds = train_stock(Path(scratch))[2]
            tandem.train_seconds = train_tandem(Path(scratch))[1]
        return write(tandem, stock, args.note)

    texts = [e.text for e in data.held_out("situation_")]
    texts = (texts[::3] * 2)[:args.sequential]
    folder = Path(tempfile.mkdtemp(prefix="tandem-runtime-"))
    try:
        stock, tandem = Figures("stock"), Figures("Tandem")
        project, stock_model, stock.train_seconds = train_stock(folder)
        if args.model:
            tandem_model = args.model
        else:
            tandem_model, tandem.train_seconds = train_tandem(folder)
        runs: List[tuple] = [
            (stock, lambda: serving_stock(project, stock_model)),
            (tandem, lambda: serving_tandem(folder, tandem_model)),
        ]
        serve: Callable[[], ContextManager[Served]]
        for figures, serve in runs:
            with serve() as served:
                measure(figures, served, texts, args.users, args.soak)
                print(f"{figures.name}: measured", flush=True)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return write(tandem, stock, args.note)


def write(tandem: Figures, stock: Figures, note: str) -> int:
    """Saves the figures and the report; returns the exit status."""
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "runtime.json").write_text(
        json.dumps({"tandem": asdict(tandem), "stock": asdict(stock)}, indent=1))
    text = report(tandem, stock, note)
    (RESULTS / "runtime.md").write_text(text, encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
