"""Page benchmark: `make bench` (python -m bench [--seconds 5] [--db sqlite postgres]).

For each database (SQLite in a temporary directory; PostgreSQL in its own database
`bench_perf`, dropped and created, never one you care about) it builds the schema from the
migrations, loads the data set of bench/dataset.py in bulk, then for each page-cache backend
(in-process, Redis db 11) serves the site with gunicorn (sync workers, 2 x cores + 1) and loads
each page with wrk from loopback: the home page, the story with 300 comments, the prayer list,
the stories feed and a signed-in leader's dashboard. A bare Flask endpoint runs under the same
gunicorn settings beside it and is measured right before each page; each page's ratio is to
that measurement (the bare row shows their mean), which holds on any machine. Targets: the
300-comment story at 0.5 of the bare endpoint or more, every other public page at 0.6 or
more (the dashboard is signed in, never cached: shown, no target).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

from bench.load import WORKERS, Result, fetch, gunicorn, wrk

PG_SERVER = "postgresql://postgres@127.0.0.1:5432"
PG_DATABASE = "bench_perf"
REDIS_URL = "redis://127.0.0.1:6379/11"
SECRET = "bench-secret-key-" + "x" * 32
TARGETS = {"home": 0.6, "story (300 comments)": 0.5, "prayer list": 0.6, "stories feed": 0.6}


def _engine(url: str):
    from sqlalchemy import create_engine

    from app.config import database_url

    return create_engine(database_url(url), isolation_level="AUTOCOMMIT")


def prepare(kind: str, workdir: Path) -> tuple[str, dict[str, str]]:
    """A fresh, migrated, loaded database; returns its URL and what the pages need."""
    from flask_migrate import upgrade

    from app import create_app
    from bench import dataset

    if kind == "sqlite":
        url = f"sqlite:///{workdir / 'bench.sqlite3'}"
    else:
        admin = _engine(f"{PG_SERVER}/postgres")
        with admin.connect() as conn:
            conn.exec_driver_sql(f"DROP DATABASE IF EXISTS {PG_DATABASE} WITH (FORCE)")
            conn.exec_driver_sql(f"CREATE DATABASE {PG_DATABASE}")
        admin.dispose()
        url = f"{PG_SERVER}/{PG_DATABASE}"
    from app.config import database_url

    app = create_app(
        "development",
        {"SQLALCHEMY_DATABASE_URI": database_url(url), "SECRET_KEY": SECRET},
    )
    with app.app_context():
        upgrade()
    started = time.perf_counter()
    extra = dataset.load(app)
    print(f"  {kind}: data set loaded in {time.perf_counter() - started:.1f} s", flush=True)
    with app.app_context():
        from app.extensions import db

        db.engine.dispose()
    return url, extra


def drop(kind: str) -> None:
    if kind == "postgres":
        admin = _engine(f"{PG_SERVER}/postgres")
        with admin.connect() as conn:
            conn.exec_driver_sql(f"DROP DATABASE IF EXISTS {PG_DATABASE} WITH (FORCE)")
        admin.dispose()


def flush_redis() -> None:
    import redis

    redis.Redis.from_url(REDIS_URL).flushdb()  # our own database number only


def measure(
    kind: str, backend: str, url: str, extra: dict, workdir: Path, seconds: int, page_cache: bool
):
    env = {
        "PAGE_CACHE": "1" if page_cache else "0",
        "APP_ENV": "development",
        "DATABASE_URL": url,
        "SECRET_KEY": SECRET,
        "INSTANCE_PATH": str(workdir / "instance"),
        "RATELIMIT_STORAGE_URI": REDIS_URL if backend == "redis" else "memory://",
        "CACHE_TYPE": "RedisCache" if backend == "redis" else "SimpleCache",
        "CACHE_REDIS_URL": REDIS_URL,
    }
    if backend == "redis":
        flush_redis()
    pages = [
        ("home", "/", ""),
        ("story (300 comments)", "/stories/three-hundred-comments", ""),
        ("prayer list", "/prayer/", ""),
        ("stories feed", "/feeds/stories.atom", ""),
        ("leader dashboard (signed in)", "/account/", extra["leader_cookie"]),
    ]
    rows: list[tuple[Result, float]] = []
    bares: list[Result] = []
    # Both servers stay up (idle workers cost nothing); each page is measured right after the
    # bare endpoint, so both see the same machine (others may share it) and its ratio holds.
    with gunicorn("bench.bare:app", {}) as bare, gunicorn("wsgi:app", env) as site:
        wrk("warm-up", bare + "/", 1)
        for name, path, cookie in pages:
            status, body = fetch(site + path, cookie)
            if status != 200 or (cookie and "Sign out" not in body):
                raise SystemExit(f"{name}: {path} answered {status}")
            wrk("warm-up", site + path, 1, cookie)
            reference = wrk("bare endpoint", bare + "/", seconds)
            bares.append(reference)
            rows.append((wrk(name, site + path, seconds, cookie), reference.rps))
    mean = Result(
        "bare endpoint",
        sum(b.rps for b in bares) / len(bares),
        sum(b.p50_ms for b in bares) / len(bares),
        sum(b.p99_ms for b in bares) / len(bares),
        sum(b.errors for b in bares),
    )
    return [(mean, mean.rps), *rows]


def table(rows: list[tuple[str, str, Result, float]]) -> str:
    lines = [
        "| database | page cache | page | requests/s | p50 ms | p99 ms | ratio to bare | target |",
        "|---|---|---|---:|---:|---:|---:|---|",
    ]
    for kind, backend, result, bare in rows:
        ratio = result.rps / bare if bare else 0.0
        target = TARGETS.get(result.name)
        verdict = "" if target is None else f"≥ {target}: {'met' if ratio >= target else 'MISSED'}"
        if result.name == "bare endpoint":
            verdict = "(reference)"
        errors = f" ({result.errors} errors)" if result.errors else ""
        lines.append(
            f"| {kind} | {backend} | {result.name}{errors} | {result.rps:,.0f} | "
            f"{result.p50_ms:.1f} | {result.p99_ms:.1f} | {ratio:.2f} | {verdict} |"
        )
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=5, help="wrk duration per page")
    parser.add_argument("--db", nargs="+", default=["sqlite", "postgres"])
    parser.add_argument("--cache", nargs="+", default=["in-process", "redis"])
    parser.add_argument(
        "--no-page-cache", action="store_true", help="render every page (for comparison)"
    )
    args = parser.parse_args()
    started = time.perf_counter()
    print(f"gunicorn: {WORKERS} sync workers ({os.cpu_count()} cores); wrk: 2 threads, 10 conns")
    rows: list[tuple[str, str, Result, float]] = []
    with tempfile.TemporaryDirectory(prefix="nkn-bench-") as tmp:
        workdir = Path(tmp)
        for kind in args.db:
            url, extra = prepare(kind, workdir)
            try:
                for backend in args.cache:
                    print(f"  {kind} / {backend} ...", flush=True)
                    results = measure(
                        kind, backend, url, extra, workdir, args.seconds, not args.no_page_cache
                    )
                    rows += [(kind, backend, r, bare) for r, bare in results]
            finally:
                drop(kind)
    print()
    print(table(rows))
    print(f"\nbench wall time: {time.perf_counter() - started:.0f} s")
    missed = [r for _, _, r, bare in rows if r.name in TARGETS and r.rps / bare < TARGETS[r.name]]
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
