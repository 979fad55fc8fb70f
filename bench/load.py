"""Simulated people talking to Tandem over REST at the same time, each in their own thread."""

import statistics
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Dict, List, Sequence

import requests

# Ten things one person might say in a row, held-out style: not in the training data.
CONVERSATION = (
    "hi",
    "my brother keeps borrowing money and I never say no even when I'm broke",
    "I lie to our parents for him so they don't find out",
    "what's the difference between helping and enabling?",
    "with my partner it's different, we each have our own friends and we're fine with that",
    "I feel like I'm nothing unless someone needs me",
    "when my mum is upset I can't relax until I've fixed it",
    "I told my best friend honestly that I was hurt and we talked it through",
    "thanks, that helps",
    "bye",
)


def percentile(values: Sequence[float], q: float) -> float:
    """The q-th percentile (nearest rank, q in 0..100) of `values`; NaN when empty."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q / 100 * (len(ordered) - 1))))]


@dataclass
class LoadResult:
    """What happened when `users` people each sent their messages."""

    users: int
    messages_per_user: int
    seconds: float
    latencies_ms: List[float] = field(default_factory=list)
    errors: List[str] = field(default_factory=list)
    senders: List[str] = field(default_factory=list)
    # sender -> one list of bot replies per message sent
    replies: Dict[str, List[list]] = field(default_factory=dict)

    @property
    def throughput(self) -> float:
        """Messages answered per second."""
        return len(self.latencies_ms) / self.seconds if self.seconds else 0.0

    def percentile(self, q: float) -> float:
        """Latency percentile in milliseconds (q in 0..100)."""
        return percentile(self.latencies_ms, q)

    @property
    def p50(self) -> float:
        """Median latency in milliseconds."""
        return statistics.median(self.latencies_ms) if self.latencies_ms else float("nan")


def run_load(url: str, users: int, messages: Sequence[str] = CONVERSATION,
             prefix: str = "load", timeout: float = 120) -> LoadResult:
    """Each user sends `messages` in order, waiting for each answer; users run in parallel."""
    result = LoadResult(users, len(messages), 0.0)
    lock = threading.Lock()
    senders = [f"{prefix}-{uuid.uuid4().hex[:10]}" for _ in range(users)]
    result.senders = senders
    start_together = threading.Barrier(users)

    def talk(sender: str) -> None:
        session = requests.Session()
        answers: List[list] = []
        start_together.wait()
        for text in messages:
            began = time.perf_counter()
            try:
                response = session.post(f"{url}/webhooks/rest/webhook", timeout=timeout,
                                        json={"sender": sender, "message": text})
                elapsed = (time.perf_counter() - began) * 1000
                response.raise_for_status()
                body = response.json()
                with lock:
                    result.latencies_ms.append(elapsed)
                    if not body:
                        result.errors.append(f"{sender}: no reply to {text!r}")
                answers.append(body)
            except (requests.RequestException, ValueError) as error:
                with lock:
                    result.errors.append(f"{sender}: {type(error).__name__} on {text!r}")
                answers.append([])
        with lock:
            result.replies[sender] = answers

    began = time.perf_counter()
    with ThreadPoolExecutor(max_workers=users) as pool:
        list(pool.map(talk, senders))
    result.seconds = time.perf_counter() - began
    return result
