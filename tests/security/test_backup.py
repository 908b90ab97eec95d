"""`flask backup` and `flask restore` round-trip every row and every upload, on both engines."""

from __future__ import annotations

import contextvars
import os
import subprocess
import uuid
from pathlib import Path

import psycopg
import pytest
from sqlalchemy import create_engine, inspect, make_url, text

from app import create_app
from app.config import database_url
from app.extensions import db
from tests.conftest import ON_POSTGRES
from tests.factories import make_leader, make_prayer, make_user


def snapshot(engine) -> dict[str, list[tuple]]:
    """Every row of every table, in primary-key order."""
    rows = {}
    with engine.connect() as connection:
        for table in sorted(inspect(engine).get_table_names()):
            pk = inspect(engine).get_pk_constraint(table)["constrained_columns"] or ["1"]
            order = ", ".join(pk)
            rows[table] = [
                tuple(r)
                for r in connection.execute(text(f"SELECT * FROM {table} ORDER BY {order}"))
            ]
    return rows


def files_under(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


@pytest.fixture
def target_url(tmp_path):
    """An empty database of the same engine as the suite's."""
    if not ON_POSTGRES:
        yield f"sqlite:///{tmp_path / 'restored.sqlite3'}"
        return
    source = make_url(database_url(os.environ["TEST_DATABASE_URL"]))
    name = f"{source.database}_restore_{uuid.uuid4().hex[:8]}"
    admin = source.set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    yield source.set(database=name).render_as_string(hide_password=False)
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_backup_and_restore_round_trip_every_row_and_upload(app, tmp_path, target_url, monkeypatch):
    runner = app.test_cli_runner()
    assert runner.invoke(args=["demo", "load"]).exit_code == 0
    make_user("admin")
    make_leader()
    make_prayer(prayed_count=7)
    archive = tmp_path / "site-backup.tar.gz"

    result = runner.invoke(args=["backup", str(archive)])
    assert result.exit_code == 0, result.output
    assert archive.stat().st_mode & 0o777 == 0o600  # it holds everything: owner only
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".partial")] == []
    before = snapshot(db.engine)
    uploads_before = files_under(Path(app.config["UPLOAD_FOLDER"]))
    assert uploads_before and sum(len(v) for v in before.values()) > 10

    monkeypatch.setenv("INSTANCE_PATH", str(tmp_path / "instance"))
    restored_uploads = tmp_path / "restored-uploads"
    fresh = create_app(
        "testing",
        {
            "SQLALCHEMY_DATABASE_URI": database_url(target_url),
            "UPLOAD_FOLDER": str(restored_uploads),
        },
    )
    # A fresh context, so the command runs in `fresh` and not in the suite's app context.
    result = contextvars.Context().run(
        fresh.test_cli_runner().invoke, args=["restore", str(archive)]
    )
    assert result.exit_code == 0, result.output

    engine = create_engine(database_url(target_url))
    try:
        after = snapshot(engine)
    finally:
        engine.dispose()
    # The page cache's generation starts anew, so no page cached before the restore is served.
    assert after.pop("page_cache_generation") != before.pop("page_cache_generation")
    assert after == before
    assert files_under(restored_uploads) == uploads_before
    with fresh.app_context():
        db.engine.dispose()


def test_restore_refuses_a_database_that_is_not_empty(app, tmp_path):
    runner = app.test_cli_runner()
    runner.invoke(args=["demo", "load"])
    archive = tmp_path / "b.tar.gz"
    assert runner.invoke(args=["backup", str(archive)]).exit_code == 0
    result = runner.invoke(args=["restore", str(archive)])
    assert result.exit_code == 1
    assert "not empty" in result.output


def test_the_postgresql_password_goes_in_the_environment_not_the_command_line(app, monkeypatch):
    """`ps` shows every process's arguments; pg_dump gets the password as PGPASSWORD."""
    from app import backup as backups

    seen = {}

    def fake_run(command, **kwargs):
        seen["command"], seen["env"] = command, kwargs["env"]
        return subprocess.CompletedProcess(command, 0, "", "")

    monkeypatch.setattr(backups.subprocess, "run", fake_run)
    url = "postgresql+psycopg://site:s3cret-pass@127.0.0.1:5432/newcomers"
    monkeypatch.setitem(app.config, "SQLALCHEMY_DATABASE_URI", url)
    backups._run(["pg_dump", "--file", "x", backups._libpq_url()])
    assert not any("s3cret-pass" in part for part in seen["command"])
    assert "postgresql://site@127.0.0.1:5432/newcomers" in seen["command"]
    assert seen["env"]["PGPASSWORD"] == "s3cret-pass"
