"""The lock store: Redis when TANDEM_REDIS_URL is set (several rasa replicas), else in memory."""

from typing import Any, Optional
from urllib.parse import urlsplit

from rasa.core.lock_store import InMemoryLockStore, LockStore, RedisLockStore

from tandem import settings


class EnvLockStore:
    """Chooses the lock store from the environment (endpoints.yml: `type: storage.locks...`)."""

    def __new__(cls, endpoint_config: Optional[Any] = None) -> LockStore:
        """A RedisLockStore for TANDEM_REDIS_URL (redis://[:password@]host[:port][/db])."""
        url = settings.redis_url()
        if not url:
            return InMemoryLockStore()
        parts = urlsplit(url)
        db = parts.path.strip("/")
        return RedisLockStore(host=parts.hostname or "localhost", port=parts.port or 6379,
                              db=int(db) if db else 1, password=parts.password,
                              use_ssl=parts.scheme == "rediss", key_prefix="tandem")
