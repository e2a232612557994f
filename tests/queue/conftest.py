"""A real Redis for the queue tests: redis://127.0.0.1:6379 (or TEST_REDIS_URL), a database
number of this run's own and a queue name of each test's own, every key of which is deleted
afterwards. Without a reachable Redis these tests are skipped with the reason."""

from __future__ import annotations

import os
import uuid

import pytest
import redis

from marketplace import queue
from tests.events.conftest import open_event, pitch_day  # noqa: F401 - for the build test

BASE_URL = (os.environ.get("TEST_REDIS_URL") or "redis://127.0.0.1:6379").rstrip("/")
# Databases 1-15, by process: parallel runs on one Redis do not share one (and never touch 0).
DB_NUMBER = 1 + os.getpid() % 15
DEAD_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1


@pytest.fixture(scope="session")
def redis_url():
    url = f"{BASE_URL}/{DB_NUMBER}"
    try:
        redis.Redis.from_url(url, socket_connect_timeout=1).ping()
    except redis.RedisError as error:
        pytest.skip(f"the queue tests need a Redis server at {BASE_URL} ({error})")
    return url


@pytest.fixture
def queue_name():
    return f"test-{uuid.uuid4().hex[:12]}"


@pytest.fixture
def app_config(redis_url, queue_name):
    return {
        "REDIS_URL": redis_url,
        "TASKS_MODE": "queue",
        "TASKS_QUEUE": queue_name,
        "TASKS_RETRY_INTERVALS": (0, 0),  # two retries, at once: a burst worker sees them
    }


@pytest.fixture(autouse=True)
def _forget_the_queue(redis_url, queue_name):
    yield
    client = redis.Redis.from_url(redis_url)
    keys = list(client.scan_iter(match=f"*{queue_name}*", count=1000))
    if keys:
        client.delete(*keys)
    client.srem("rq:queues", f"rq:queue:{queue_name}")


@pytest.fixture
def work(app, db):
    """Run an in-process burst worker on the test's queue until it is empty."""

    def run() -> None:
        db.session.commit()  # the worker's jobs write through connections of their own
        queue.run_worker(burst=True, in_process=True)
        db.session.expire_all()

    return run
