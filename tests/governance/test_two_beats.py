"""Scaling out: two workers and two beats against one PostgreSQL and one Redis.

The second beat waits for celery-redbeat's lock in Redis, so each sweep is
sent once per period, and each sent sweep is run once by one of the workers.
Real processes, as ``docker compose up --scale worker=2 --scale beat=2``
starts them.
"""

import re
import time
import uuid

import pytest

from tests.processes import BIN, Process, Worker, process_env, scratch_folder

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

SENT = re.compile(r"Sending due task (\S+) \((\S+)\)")
RECEIVED = re.compile(r"Task (\S+)\[([0-9a-f-]+)\] received")
SUCCEEDED = re.compile(r"Task (\S+)\[([0-9a-f-]+)\] succeeded")


def test_two_beats_send_each_sweep_once_and_two_workers_run_it_once(settings):
    if not settings.CELERY_BROKER_URL.startswith("redis://"):
        pytest.skip("the beat lock lives in Redis; set CELERY_BROKER_URL")
    with scratch_folder() as folder:
        # A prefix of its own: no other beat of this Redis shares the lock.
        env = {"REDBEAT_KEY_PREFIX": f"test-{uuid.uuid4().hex[:8]}:"}
        workers = [Worker(folder, **env) for _ in range(2)]
        beats = [
            Process(
                [
                    str(BIN / "celery"),
                    "-A",
                    "governance",
                    "beat",
                    "--loglevel",
                    "DEBUG",
                    "--max-interval",
                    "1",
                ],
                folder,
                process_env(folder, **env),
            )  # fmt: skip
            for _ in range(2)
        ]
        try:
            # connectors-poll-due is due every 10 s: three or four periods.
            time.sleep(35)
        finally:
            for process in beats + workers:
                process.stop()
        sent = [SENT.findall(beat.output()) for beat in beats]
        logs = "".join(worker.output() for worker in workers)
    senders = [index for index, lines in enumerate(sent) if lines]
    assert len(senders) == 1, [beat_lines[:3] for beat_lines in sent]
    polls = [name for name, _task in sent[senders[0]] if name == "connectors-poll-due"]
    assert 2 <= len(polls) <= 4
    received = RECEIVED.findall(logs)
    succeeded = SUCCEEDED.findall(logs)
    ids = [task_id for _name, task_id in received]
    assert ids and len(ids) == len(set(ids))  # each task run by one worker
    assert sorted(task_id for _n, task_id in succeeded) == sorted(ids)
    assert [n for n, _i in received].count("connectors.tasks.poll_due") == len(polls)
