"""Remembers recently seen delivery ids so a platform's retry is not answered twice."""

import time
from collections import OrderedDict
from typing import Callable, Hashable


class RecentIds:
    """A bounded set of ids seen within the last `ttl_seconds`.

    Slack and Telegram redeliver an event when our answer was slow or failed; each
    delivery carries the same id. Kept in memory: a retry that lands on another replica
    is not caught (see README, "Channels").
    """

    def __init__(self, ttl_seconds: float = 3600.0, max_size: int = 10_000,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self._ttl = ttl_seconds
        self._max_size = max_size
        self._clock = clock
        self._seen: OrderedDict[Hashable, float] = OrderedDict()

    def check_and_add(self, delivery_id: Hashable) -> bool:
        """True if the id was seen recently; records it either way."""
        now = self._clock()
        while self._seen:
            oldest, seen_at = next(iter(self._seen.items()))
            if now - seen_at <= self._ttl and len(self._seen) < self._max_size:
                break
            del self._seen[oldest]
        if delivery_id in self._seen:
            return True
        self._seen[delivery_id] = now
        return False
