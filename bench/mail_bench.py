"""Mail benchmark: queue one prayer update for 10,000 subscribers, deliver it, measure.

    make bench-mail                       # SQLite and PostgreSQL (bench_email)
    python -m bench.mail_bench --db sqlite --subscribers 2000

For each database it creates a fresh schema from the migrations, adds 10,000 confirmed
subscribers, times `send_now()` (render once per language + one bulk INSERT), then delivers
the queue to a local SMTP sink (aiosmtpd on 127.0.0.1, in its own process) with 1, 2 and 4
worker processes (`drain()`, as `flask mail worker` runs it), resetting the queue between
runs. The sink counts messages and distinct Message-IDs, so a double send or a lost message
shows. PostgreSQL uses its own database (default bench_email, created if missing); never
point it at a database you care about: its schema is dropped.

Targets: enqueue under 2 s; at least 500 messages/s with 4 workers.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import re
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from bench.load import free_port

PG_DEFAULT = "postgresql://postgres@127.0.0.1:5432/bench_email"
MESSAGE_ID = re.compile(rb"^Message-ID: (<[^>]+>)", re.MULTILINE)


# --- the SMTP sink (its own process) ----------------------------------------------------------


def sink_main(port: int, ready, counter, unique, stop) -> None:
    from aiosmtpd.controller import Controller

    seen: set[bytes] = set()

    class Sink:
        async def handle_DATA(self, server, session, envelope):
            match = MESSAGE_ID.search(envelope.original_content or b"")
            with counter.get_lock():
                if counter.value == 0:
                    seen.clear()  # a new run: the same messages are sent again
                counter.value += 1
            if match and match.group(1) not in seen:
                seen.add(match.group(1))
                with unique.get_lock():
                    unique.value += 1
            return "250 OK"

    controller = Controller(Sink(), hostname="127.0.0.1", port=port)
    controller.start()
    ready.set()
    stop.wait()
    controller.stop()


# --- a delivery worker (its own process) ------------------------------------------------------


def make_app(url: str, port: int, instance: str):
    os.environ["INSTANCE_PATH"] = instance
    from app import create_app

    return create_app(
        "development",
        {
            "SQLALCHEMY_DATABASE_URI": url,
            "MAIL_BACKEND": "smtp",
            "MAIL_HOST": "127.0.0.1",
            "MAIL_PORT": port,
            "SITE_URL": "https://newcomers.example.org",
            "RATELIMIT_ENABLED": False,
        },
    )


def worker_main(url: str, port: int, instance: str, ready, go, results) -> None:
    import logging

    logging.getLogger("app.mail").setLevel(logging.ERROR)
    app = make_app(url, port, instance)
    with app.app_context():
        from app.mail.delivery import drain

        ready.release()
        go.wait()
        report = drain(batch_size=100)
        results.put((report.sent, report.failed, report.retried))


# --- the run ----------------------------------------------------------------------------------


@dataclass
class Result:
    database: str
    subscribers: int
    enqueue_seconds: float
    runs: list[tuple[int, float, int, int]]  # workers, seconds, received, unique


def prepare(app, url: str, subscribers: int) -> float:
    """Fresh schema, subscribers and content; returns the seconds `send_now()` took."""
    from flask_migrate import upgrade
    from sqlalchemy import insert, select, text

    from app.content import services as content
    from app.content.models import PrayerRequest, Story
    from app.database import utcnow
    from app.extensions import db
    from app.mail.services import site_request
    from app.subscriptions import sending, tokens, updates
    from app.subscriptions.models import Subscriber, SubscriberStatus, SubscriberTopic

    with app.app_context():
        if url.startswith("postgresql"):
            with db.engine.begin() as conn:
                conn.execute(text("DROP SCHEMA public CASCADE"))
                conn.execute(text("CREATE SCHEMA public"))
        upgrade()
        now = utcnow()
        rows = [
            {
                "email": f"reader{n}@example.org",
                "name": f"Reader {n}" if n % 3 else "",
                "language": "ko" if n % 2 else "en",
                "status": SubscriberStatus.CONFIRMED,
                "token": tokens.new_token(),
                "confirmed_at": now,
                "created_at": now,
                "updated_at": now,
            }
            for n in range(subscribers)
        ]
        db.session.execute(insert(Subscriber), rows)
        ids = db.session.scalars(select(Subscriber.id)).all()
        db.session.execute(
            insert(SubscriberTopic), [{"subscriber_id": i, "topic": "prayer"} for i in ids]
        )
        picked = []
        for n, model in enumerate([PrayerRequest] * 4 + [Story] * 2):
            item = model(slug=f"item-{n}")
            content.set_text(
                item,
                title_en=f"Pray for newcomer {n} who is seeking God's word",
                title_ko=f"하나님의 말씀을 찾는 새신자 {n}를 위해 기도해 주세요",
                summary_en="A North Korean defector asked us for an NK Bible. " * 2,
                summary_ko="프랑스에 사는 한 탈북민이 북한 성경을 요청했습니다. " * 2,
                body_en="Body.",
                body_ko="본문.",
            )
            content.publish(item, now)
            db.session.add(item)
            picked.append(item)
        db.session.flush()
        update = updates.save_update(
            None,
            subject_en="Prayer update: newcomers who seek God's word",
            subject_ko="기도 소식: 하나님의 말씀을 찾는 새신자들",
            intro_en="Dear friends,\n\nThank you for **praying** with us. " * 3,
            intro_ko="사랑하는 동역자 여러분,\n\n함께 **기도해** 주셔서 감사합니다. " * 3,
            topics=["prayer"],
            prayer_ids=[i.id for i in picked if isinstance(i, PrayerRequest)],
            story_ids=[i.id for i in picked if isinstance(i, Story)],
        )
        db.session.commit()
        started = time.perf_counter()
        with site_request():
            count = sending.send_now(update)
        db.session.commit()
        seconds = time.perf_counter() - started
        assert count == subscribers, count
        db.session.remove()
        db.engine.dispose()
    return seconds


def reset_queue(app) -> None:
    from sqlalchemy import update

    from app.extensions import db
    from app.mail.models import OutboxMessage, OutboxStatus

    with app.app_context():
        db.session.execute(
            update(OutboxMessage).values(
                status=OutboxStatus.QUEUED, attempts=0, sent_at=None, claim_token=None,
                locked_until=None, last_error="", next_attempt_at=OutboxMessage.created_at,
            )
        )  # fmt: skip
        db.session.commit()
        if db.engine.dialect.name == "postgresql":
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.exec_driver_sql("VACUUM ANALYZE outbox_messages")
        db.session.remove()
        db.engine.dispose()


def deliver(url: str, port: int, instance: str, workers: int, counter, unique) -> float:
    spawn = mp.get_context("spawn")
    ready, go, results = spawn.Semaphore(0), spawn.Event(), spawn.Queue()
    processes = [
        spawn.Process(target=worker_main, args=(url, port, instance, ready, go, results))
        for _ in range(workers)
    ]
    for process in processes:
        process.start()
    for _ in processes:
        ready.acquire()  # every worker has started Python and built its app
    with counter.get_lock(), unique.get_lock():
        counter.value = unique.value = 0
    started = time.perf_counter()
    go.set()
    reports = [results.get() for _ in processes]
    seconds = time.perf_counter() - started
    for process in processes:
        process.join()
    failed = sum(r[1] + r[2] for r in reports)
    if failed:
        print(f"    warning: {failed} messages failed or were retried", file=sys.stderr)
    return seconds


def ensure_postgres_database(url: str) -> None:
    import psycopg

    name = url.rsplit("/", 1)[1]
    if name in ("test", "postgres", "template0", "template1"):
        raise SystemExit(f"refusing to use the {name!r} database for the benchmark")
    admin = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')


def run(database: str, url: str, subscribers: int, worker_counts: list[int]) -> Result:
    from app.config import database_url

    url = database_url(url)
    spawn = mp.get_context("spawn")
    port = free_port()
    ready, stop = spawn.Event(), spawn.Event()
    counter, unique = spawn.Value("i", 0), spawn.Value("i", 0)
    sink = spawn.Process(target=sink_main, args=(port, ready, counter, unique, stop))
    sink.start()
    ready.wait(10)
    instance = tempfile.mkdtemp(prefix="mail-bench-")
    try:
        app = make_app(url, port, instance)
        enqueue = prepare(app, url, subscribers)
        print(f"{database}: queued {subscribers} messages in {enqueue:.2f} s", flush=True)
        runs = []
        for workers in worker_counts:
            reset_queue(app)
            seconds = deliver(url, port, instance, workers, counter, unique)
            runs.append((workers, seconds, counter.value, unique.value))
            print(
                f"{database}: {workers} worker(s): {counter.value} delivered "
                f"({unique.value} distinct) in {seconds:.2f} s = "
                f"{counter.value / seconds:.0f} messages/s",
                flush=True,
            )
    finally:
        stop.set()
        sink.join(10)
    return Result(database, subscribers, enqueue, runs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--postgres-url", default=os.environ.get("BENCH_DATABASE_URL", PG_DEFAULT))
    parser.add_argument("--subscribers", type=int, default=10_000)
    parser.add_argument("--workers", default="1,2,4")
    args = parser.parse_args()
    worker_counts = [int(n) for n in args.workers.split(",")]
    results = []
    if args.db in ("sqlite", "both"):
        path = Path(tempfile.mkdtemp(prefix="mail-bench-db-")) / "bench.sqlite3"
        results.append(run("SQLite", f"sqlite:///{path}", args.subscribers, worker_counts))
    if args.db in ("postgres", "both"):
        ensure_postgres_database(args.postgres_url)
        results.append(run("PostgreSQL", args.postgres_url, args.subscribers, worker_counts))

    print()
    enqueue = f"Enqueue {args.subscribers:,}"
    print(f"| Database | {enqueue} | Workers | Delivery | Messages/s | Received (distinct) |")
    print("|---|---|---|---|---|---|")
    for result in results:
        for workers, seconds, received, distinct in result.runs:
            print(
                f"| {result.database} | {result.enqueue_seconds:.2f} s | {workers} | "
                f"{seconds:.2f} s | {received / seconds:,.0f} | {received:,} ({distinct:,}) |"
            )
    ok = all(r.enqueue_seconds < 2 for r in results) and all(
        received / seconds >= 500 for r in results for w, seconds, received, _ in r.runs if w == 4
    )
    print()
    print("Targets (enqueue < 2 s, >= 500 messages/s with 4 workers):", "met" if ok else "NOT met")


if __name__ == "__main__":
    main()
