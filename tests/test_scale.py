"""Two rasa replicas behind nginx, on PostgreSQL and a Redis lock store: 50 people at once.

Checks correctness only (every reply arrives, trackers hold exactly each person's messages
in order, profiles are complete); `make bench` reports the speed of one replica vs two.
"""

from typing import Iterator, List

import pytest

from bench.load import CONVERSATION, run_load
from tests.servers import Bot
from tests.services import HAVE_NGINX, HAVE_POSTGRES, HAVE_REDIS, running_nginx, running_replicas

pytestmark = [pytest.mark.slow, pytest.mark.requires(
    HAVE_POSTGRES and HAVE_REDIS and HAVE_NGINX,
    "needs Debian's postgresql, redis-server and nginx (make test installs them as root)")]

USERS = 50


@pytest.fixture(scope="module")
def replicas(tmp_path_factory: pytest.TempPathFactory) -> Iterator[List[Bot]]:
    with running_replicas(tmp_path_factory.mktemp("scale")) as bots:
        yield bots


def test_fifty_people_across_two_replicas_lose_nothing(replicas: List[Bot]) -> None:
    first, second = replicas
    upstreams = [bot.url.removeprefix("http://") for bot in replicas]
    with running_nginx(upstreams) as balancer:
        result = run_load(balancer.url, USERS)
        served = balancer.served_by()
    assert result.errors == []
    assert len(result.latencies_ms) == USERS * len(CONVERSATION)
    for sender in result.senders:
        events = first.tracker(sender)["events"]
        users = [e["text"] for e in events if e["event"] == "user"]
        assert users == list(CONVERSATION), sender  # all ten, in order, none twice
        assert second.tracker(sender)["events"] == events  # one store, both replicas agree
        analysed = sum(1 for e in events
                       if e["event"] == "slot" and e["name"] == "findings" and e["value"])
        assert analysed >= 3
        assert first.rows("tandem_results", sender) == analysed
    # Round robin really spread the people's messages over both replicas.
    assert sorted(served) == sorted(upstreams)
    assert min(served.values()) >= USERS * len(CONVERSATION) // 4
