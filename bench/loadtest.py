"""Load and fault test: gunicorn (4 sync workers) on a throwaway PostgreSQL, on loopback only.

    make loadtest          # 60 s of mixed traffic, PostgreSQL restarted in the middle
    make loadtest-short    # the CI version: 20 s of traffic, about a minute in all

What it does, in order:

1. Creates a PostgreSQL cluster of its own in a temporary directory on a free port (initdb +
   pg_ctl, as the postgres user when run as root), so restarting it never touches a shared
   server. Loads the schema (`flask db upgrade`) and the demo content (`flask demo load`).
2. Starts a real SMTP server (aiosmtpd) on loopback and gunicorn with 4 sync workers.
3. Runs concurrent clients for the traffic time. Each one reads pages, posts comments (with
   the CSRF token and anti-spam stamp from the page, as a browser does), presses "I prayed"
   and subscribes, and records every response. Each client has its own address
   (X-Forwarded-For through one trusted proxy) and rate limits are off, so what is measured
   is the site, not the limiter.
4. Part-way through, restarts PostgreSQL (fast shutdown, a few seconds down). Requests in the
   outage must get the 503 page (no traceback); the site must recover by itself.
5. Checks the database against what the clients were told: every comment, prayer and
   subscription answered as accepted must be there (writes lost = 0). Writes stored although
   their client saw the outage page (a commit that landed just as PostgreSQL stopped) are
   counted and reported, not failed.
6. Starts `flask mail worker`, kills it (SIGKILL) in the middle of sending the queued mail,
   starts it again and checks that every message reached the SMTP server (distinct
   Message-IDs), reporting any duplicates (at-least-once after a crash). The killed worker's
   leases are moved to "expired" instead of waiting out the 120 s lease.

Prints the numbers and exits non-zero if any check fails.
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import contextlib
import glob
import http.client
import itertools
import os
import random
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from pathlib import Path

import psycopg
from aiosmtpd.controller import Controller

from bench.load import free_port

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
OUTAGE_PAGE = "The site is briefly unavailable"
CSRF_RE = re.compile(r'name="(?:subscribe-)?csrf_token" type="hidden" value="([^"]+)"')
SHOWN_AT_RE = re.compile(r'name="(subscribe-)?shown_at" type="hidden" value="([^"]+)"')
SLUG_RE = {
    "story": re.compile(r'href="/stories/([a-z0-9-]+)"'),
    "prayer": re.compile(r'href="/prayer/([a-z0-9-]+)"'),
}


def say(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


# --- a PostgreSQL of our own -------------------------------------------------------------------


class ThrowawayPostgres:
    def __init__(self) -> None:
        found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"))
        pg_ctl = found[-1] if found else shutil.which("pg_ctl")
        if not pg_ctl:
            raise SystemExit("pg_ctl not found: install PostgreSQL (postgresql package)")
        self.bin = Path(pg_ctl).parent
        self.port = free_port()
        self.base = Path(tempfile.mkdtemp(prefix="nkn-loadtest-pg-"))
        self.data = self.base / "data"
        self.log = self.base / "postgres.log"
        self.url = f"postgresql://postgres@127.0.0.1:{self.port}/loadtest"

    def _run(self, *command: str) -> None:
        full = [str(self.bin / command[0]), *command[1:]]
        if os.geteuid() == 0:  # PostgreSQL refuses to run as root
            full = ["runuser", "-u", "postgres", "--", *full]
        subprocess.run(full, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)

    def create(self) -> None:
        if os.geteuid() == 0:
            shutil.chown(self.base, "postgres", "postgres")
        self._run(
            "initdb",
            "-D",
            str(self.data),
            "-U",
            "postgres",
            "--auth=trust",
            "-E",
            "UTF8",
            "--no-instructions",
        )
        self.start()
        self._run("createdb", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "loadtest")

    def start(self) -> None:
        options = f"-p {self.port} -k {self.base} -c listen_addresses=127.0.0.1 -c timezone=UTC"
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-o", options, "-w", "start")

    def stop(self) -> None:
        self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop")

    def destroy(self) -> None:
        with contextlib.suppress(subprocess.CalledProcessError):
            self.stop()
        shutil.rmtree(self.base, ignore_errors=True)

    def query(self, sql: str, *params) -> list[tuple]:
        with psycopg.connect(self.url, autocommit=True) as conn:
            cursor = conn.execute(sql, params)
            return cursor.fetchall() if cursor.description else []


# --- a real SMTP server on loopback ------------------------------------------------------------


class CountingHandler:
    def __init__(self) -> None:
        self.message_ids: list[str] = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        await asyncio.sleep(0.02)  # a real server takes a moment; gives the kill a window
        message = message_from_bytes(envelope.original_content, policy=policy.default)
        with self.lock:
            self.message_ids.append(str(message["Message-ID"]))
        return "250 OK"

    def count(self) -> int:
        with self.lock:
            return len(self.message_ids)


# --- the clients -------------------------------------------------------------------------------


@dataclass
class Outcome:
    at: float
    method: str
    path: str
    status: int  # 0: no HTTP answer at all
    note: str = ""


@dataclass
class Tally:
    outcomes: list[Outcome] = field(default_factory=list)
    comments: set[str] = field(default_factory=set)  # author emails answered as accepted
    subscribers: set[str] = field(default_factory=set)
    prayers: collections.Counter = field(default_factory=collections.Counter)
    bad_pages: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)


class Browser:
    """One visitor: its own address, cookie jar and connection per request (sync workers)."""

    def __init__(self, port: int, number: int, tally: Tally) -> None:
        self.port, self.number, self.tally = port, number, tally
        self.address = f"10.{number // 250}.{number % 250}.{random.randint(1, 250)}"
        self.cookies: dict[str, str] = {}
        self.seq = itertools.count()

    def request(self, method: str, path: str, form: dict | None = None, agent: str = ""):
        from urllib.parse import urlencode

        headers = {"X-Forwarded-For": self.address, "User-Agent": agent or "nkn-loadtest"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            text = response.read().decode("utf-8", "replace")
            status = response.status
            for value in response.headers.get_all("Set-Cookie") or []:
                name, _, rest = value.partition("=")
                self.cookies[name.strip()] = rest.split(";", 1)[0]
            location = response.headers.get("Location", "")
        except (OSError, http.client.HTTPException) as error:
            status, text, location = 0, repr(error), ""
        finally:
            connection.close()
        outcome = Outcome(time.monotonic(), method, path, status)
        if status >= 500 or status == 0:
            time.sleep(0.1)  # a person waits a moment before trying again
            ok_page = status == 503 and OUTAGE_PAGE in text and "Traceback" not in text
            outcome.note = "outage page" if ok_page else text[:300]
        with self.tally.lock:
            self.tally.outcomes.append(outcome)
        return status, text, location


def prepare(browser: Browser, slugs: dict[str, list[str]]) -> dict[str, str]:
    """Open the pages with forms once (the stamps must be a few seconds old when sent)."""
    form: dict[str, str] = {}
    for _ in range(20):
        status, page, _ = browser.request("GET", f"/stories/{slugs['story'][0]}")
        if status == 200:
            break
        time.sleep(0.5)
    form["csrf"] = CSRF_RE.search(page).group(1)
    form["comment_shown_at"] = SHOWN_AT_RE.search(page).group(2)
    _, page, _ = browser.request("GET", "/subscribe")
    for prefix, value in SHOWN_AT_RE.findall(page):
        if prefix:
            form["subscribe_shown_at"] = value
    return form


def visitor(browser: Browser, slugs, deadline: float, start_at: float) -> None:
    tally = browser.tally
    form = prepare(browser, slugs)
    time.sleep(max(0.0, start_at - time.monotonic()))  # a person's pace before the first post
    reads = ["/", "/stories/", "/prayer/", "/about", "/updates/", "/feeds/stories.atom"]
    while time.monotonic() < deadline:
        n = next(browser.seq)
        choice = random.random()
        if choice < 0.5:
            kind = random.choice(["story", "prayer"])
            path = random.choice(
                [
                    *reads,
                    f"/{'stories' if kind == 'story' else 'prayer'}/{random.choice(slugs[kind])}",
                ]
            )
            browser.request("GET", path)
        elif choice < 0.7:
            email = f"load-{browser.number}-{n}@example.org"
            slug = random.choice(slugs["story"])
            data = {
                "csrf_token": form["csrf"],
                "name": f"Visitor {browser.number}",
                "email": email,
                "body": f"Praying with you, friends ({browser.number}/{n}).",
                "website": "",
                "shown_at": form["comment_shown_at"],
            }
            status, text, location = browser.request("POST", f"/comments/story/{slug}", data)
            if status in (302, 303):
                with tally.lock:
                    tally.comments.add(email)
            elif status not in (503,):
                tally.bad_pages.append(f"comment {status}: {text[:200]}")
        elif choice < 0.85:
            slug = random.choice(slugs["prayer"])
            status, text, location = browser.request(
                "POST",
                f"/prayer/{slug}/prayed",
                {"csrf_token": form["csrf"]},
                agent=f"nkn-loadtest/{browser.number}-{n}",  # each press a different person
            )
            if status in (302, 303):
                with tally.lock:
                    tally.prayers[slug] += 1
            elif status not in (503,):
                tally.bad_pages.append(f"prayed {status}: {text[:200]}")
        else:
            email = f"sub-{browser.number}-{n}@example.org"
            data = {
                "subscribe-csrf_token": form["csrf"],
                "subscribe-email": email,
                "subscribe-name": "",
                "subscribe-language": "en",
                "subscribe-topics": "prayer",
                "subscribe-source": "page",
                "subscribe-website": "",
                "subscribe-shown_at": form.get("subscribe_shown_at", ""),
            }
            status, text, location = browser.request("POST", "/subscribe", data)
            if status in (302, 303) and "check-email" in location:
                with tally.lock:
                    tally.subscribers.add(email)
            elif status not in (503,):
                tally.bad_pages.append(f"subscribe {status}: {text[:200]}")


# --- the run -----------------------------------------------------------------------------------


def wait_for(check, timeout: float, what: str) -> None:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if check():
            return
        time.sleep(0.2)
    raise SystemExit(f"timed out waiting for {what}")


def healthy(port: int) -> bool:
    try:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
        connection.request("GET", "/healthz")
        return connection.getresponse().status == 200
    except OSError:
        return False


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--short", action="store_true", help="the CI version (about a minute)")
    parser.add_argument("--seconds", type=float, help="traffic time (default 60, short 20)")
    parser.add_argument("--clients", type=int, help="concurrent clients (default 12, short 8)")
    args = parser.parse_args()
    seconds = args.seconds or (20.0 if args.short else 60.0)
    clients = args.clients or (8 if args.short else 12)
    outage_seconds = 3.0 if args.short else 5.0
    started = time.monotonic()
    failures: list[str] = []

    pg = ThrowawayPostgres()
    smtp = CountingHandler()
    controller = Controller(smtp, hostname="127.0.0.1", port=free_port())
    workdir = Path(tempfile.mkdtemp(prefix="nkn-loadtest-"))
    port = free_port()
    env = {
        **os.environ,
        "APP_ENV": "development",
        "SECRET_KEY": secrets.token_urlsafe(48),
        "DATABASE_URL": pg.url,
        "INSTANCE_PATH": str(workdir / "instance"),
        "SITE_URL": f"http://127.0.0.1:{port}",
        "MAIL_BACKEND": "smtp",
        "MAIL_HOST": "127.0.0.1",
        "MAIL_PORT": str(controller.port),
        "MAIL_BATCH_SIZE": "10",
        "RATELIMIT_ENABLED": "false",
        "TRUSTED_PROXIES": "1",
        "PYTHONPATH": str(ROOT),
    }
    flask = [PY, "-m", "flask", "--app", "wsgi"]
    server = worker = None
    server_log = workdir / "gunicorn.log"
    try:
        say(f"PostgreSQL of our own on port {pg.port} ({pg.base})")
        pg.create()
        subprocess.run(
            [*flask, "db", "upgrade"], cwd=ROOT, env=env, check=True, capture_output=True
        )
        subprocess.run([*flask, "demo", "load"], cwd=ROOT, env=env, check=True, capture_output=True)
        controller.start()
        say(f"gunicorn, 4 sync workers, on 127.0.0.1:{port}; SMTP on {controller.port}")
        with server_log.open("wb") as log_file:
            server = subprocess.Popen(
                [
                    PY,
                    "-m",
                    "gunicorn",
                    "-w",
                    "4",
                    "-k",
                    "sync",
                    "-b",
                    f"127.0.0.1:{port}",
                    "--timeout",
                    "30",
                    "--graceful-timeout",
                    "5",
                    "wsgi:app",
                ],
                cwd=ROOT,
                env=env,
                stdout=log_file,
                stderr=subprocess.STDOUT,
            )
        wait_for(lambda: healthy(port), 30, "gunicorn")

        probe = Browser(port, 9999, Tally())
        slugs = {}
        for kind, listing in (("story", "/stories/"), ("prayer", "/prayer/")):
            page = probe.request("GET", listing)[1]
            slugs[kind] = sorted(set(SLUG_RE[kind].findall(page)))
            if not slugs[kind]:
                raise SystemExit(f"no {kind} found on {listing}")
        prayed_before = dict(pg.query("SELECT slug, prayed_count FROM prayer_requests"))
        comments_before = pg.query("SELECT count(*) FROM comments")[0][0]

        tally = Tally()
        begin = time.monotonic()
        start_posting = begin + 4.0  # the anti-spam stamps must be older than 3 s
        deadline = start_posting + seconds
        threads = [
            threading.Thread(
                target=visitor,
                args=(Browser(port, i, tally), slugs, deadline, start_posting),
                daemon=True,
            )
            for i in range(clients)
        ]
        for thread in threads:
            thread.start()

        # PostgreSQL restarted part-way through.
        time.sleep(max(0.0, start_posting + seconds * 0.3 - time.monotonic()))
        outage_start = time.monotonic()
        say("stopping PostgreSQL (fast shutdown)")
        pg.stop()
        time.sleep(outage_seconds)
        pg.start()
        outage_end = time.monotonic()
        say(f"PostgreSQL back after {outage_end - outage_start:.1f} s")
        for thread in threads:
            thread.join(timeout=seconds + 60)
        traffic_seconds = time.monotonic() - begin

        # --- what the clients saw -------------------------------------------------------
        outcomes = tally.outcomes
        statuses = collections.Counter(o.status for o in outcomes)
        grace = 4.0
        in_outage = [o for o in outcomes if outage_start - 0.5 <= o.at <= outage_end + grace]
        outside = [o for o in outcomes if o not in in_outage]
        errors_outside = [o for o in outside if o.status >= 500 or o.status == 0]
        outage_errors = [o for o in in_outage if o.status >= 500 or o.status == 0]
        unclean = [o for o in outage_errors if o.note != "outage page"]
        after = [o for o in outcomes if o.at > outage_end + grace]
        recovered = bool(after) and all(0 < o.status < 500 for o in after)
        if errors_outside:
            failures.append(
                f"{len(errors_outside)} errors outside the outage: "
                f"{[(o.status, o.path, o.note[:120]) for o in errors_outside[:5]]}"
            )
        if unclean:
            failures.append(
                f"{len(unclean)} outage answers were not the clean 503 page: "
                f"{[(o.status, o.path, o.note[:200]) for o in unclean[:5]]}"
            )
        if not recovered:
            failures.append("the site did not recover by itself after the restart")
        if tally.bad_pages:
            failures.append(f"{len(tally.bad_pages)} writes refused: {tally.bad_pages[:3]}")

        # --- what the database holds ----------------------------------------------------
        stored_comments = {
            r[0]
            for r in pg.query("SELECT author_email FROM comments WHERE author_email LIKE 'load-%%'")
        }
        stored_subscribers = {
            r[0] for r in pg.query("SELECT email FROM subscribers WHERE email LIKE 'sub-%%'")
        }
        prayed_after = dict(pg.query("SELECT slug, prayed_count FROM prayer_requests"))
        prayed_delta = {s: prayed_after[s] - prayed_before.get(s, 0) for s in prayed_after}
        lost_comments = tally.comments - stored_comments
        lost_subscribers = tally.subscribers - stored_subscribers
        lost_prayers = sum(max(0, n - prayed_delta.get(s, 0)) for s, n in tally.prayers.items())
        extra = (
            len(stored_comments - tally.comments)
            + len(stored_subscribers - tally.subscribers)
            + sum(max(0, d - tally.prayers.get(s, 0)) for s, d in prayed_delta.items())
        )
        writes_lost = len(lost_comments) + len(lost_subscribers) + lost_prayers
        if writes_lost:
            failures.append(f"writes lost: {writes_lost}")
        comments_now = pg.query("SELECT count(*) FROM comments")[0][0]

        say(
            f"accepted: {len(tally.comments)} comments, {sum(tally.prayers.values())} prayers, "
            f"{len(tally.subscribers)} subscriptions; refused: {tally.bad_pages[:2]}"
        )

        # --- the mail worker, killed mid-send -------------------------------------------
        total_mail = pg.query(
            "SELECT count(*) FROM outbox_messages WHERE status IN ('QUEUED', 'SENDING')"
        )[0][0]
        say(f"mail: {total_mail} queued; starting the worker, killing it mid-send")
        worker_command = [
            *flask,
            "mail",
            "worker",
            "--interval",
            "0.2",
            "--batch-size",
            "10",
            "--quiet",
        ]
        worker = subprocess.Popen(
            worker_command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        wait_for(lambda: smtp.count() >= max(3, total_mail // 3), 60, "the first deliveries")
        worker.send_signal(signal.SIGKILL)
        worker.wait()
        at_kill = smtp.count()
        in_hand = pg.query("SELECT count(*) FROM outbox_messages WHERE status = 'SENDING'")[0][0]
        # The dead worker's leases would expire after 120 s; expire them now instead.
        pg.query(
            "UPDATE outbox_messages SET locked_until = timezone('utc', now()) "
            "- interval '1 second' WHERE status = 'SENDING'"
        )
        worker = subprocess.Popen(
            worker_command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )

        def all_sent() -> bool:
            left = pg.query(
                "SELECT count(*) FROM outbox_messages WHERE status IN ('QUEUED', 'SENDING')"
            )[0][0]
            return left == 0

        wait_for(all_sent, 120, "the restarted worker to deliver the rest")
        worker.send_signal(signal.SIGTERM)
        worker.wait(timeout=30)
        worker = None
        expected_ids = {
            r[0] for r in pg.query("SELECT message_id FROM outbox_messages WHERE status = 'SENT'")
        }
        failed_mail = pg.query("SELECT count(*) FROM outbox_messages WHERE status = 'FAILED'")[0][0]
        received = smtp.message_ids
        missing_mail = expected_ids - set(received)
        duplicates = len(received) - len(set(received))
        if missing_mail or failed_mail or len(expected_ids) != total_mail:
            failures.append(f"mail: {len(missing_mail)} not delivered, {failed_mail} failed")

        server_text = server_log.read_text(errors="replace")
        tracebacks = server_text.count("Traceback")

        served = len(outcomes)
        print()
        print("Load and fault test" + (" (short)" if args.short else ""))
        print(
            f"  traffic: {seconds:.0f} s from {clients} concurrent clients, gunicorn -w 4 sync, "
            f"PostgreSQL {pg.port}"
        )
        print(
            f"  requests served: {served} ({served / traffic_seconds:.0f}/s); "
            f"statuses: {dict(sorted(statuses.items()))}"
        )
        print(f"  5xx outside the outage: {len(errors_outside)}")
        print(
            f"  outage: PostgreSQL down {outage_end - outage_start:.1f} s; "
            f"{len(outage_errors)} answers in the outage window were errors, "
            f"{len(outage_errors) - len(unclean)} of them the clean 503 page; "
            f"recovered by itself: {'yes' if recovered else 'NO'} "
            f"({len(after)} requests after it, all < 500: {recovered})"
        )
        print(
            f"  writes accepted: {len(tally.comments)} comments, "
            f"{sum(tally.prayers.values())} prayers, {len(tally.subscribers)} subscriptions"
        )
        print(
            f"  writes lost: {writes_lost}; stored without an 'accepted' answer: {extra}; "
            f"comments in the database: {comments_before} -> {comments_now}"
        )
        print(
            f"  mail: {total_mail} queued; worker SIGKILLed after {at_kill} deliveries with "
            f"{in_hand} in hand; restarted: {len(set(received))} distinct Message-IDs "
            f"received of {len(expected_ids)} sent, missing {len(missing_mail)}, "
            f"duplicates {duplicates}"
        )
        print(f"  tracebacks in the server log: {tracebacks}")
        if tracebacks:
            first = server_text.index("Traceback")
            print(server_text[max(0, first - 300) : first + 4000])
        print(f"  took {time.monotonic() - started:.0f} s")
        for failure in failures:
            print(f"FAILED: {failure}")
        print("PASSED" if not failures else "FAILED")
        return 1 if failures else 0
    finally:
        for process in (worker, server):
            if process is not None and process.poll() is None:
                process.send_signal(signal.SIGTERM)
                try:
                    process.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    process.kill()
        controller.stop()
        pg.destroy()
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
