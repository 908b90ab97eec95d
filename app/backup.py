"""Backups: one archive with a consistent copy of the database and every upload.

On SQLite the database is copied with SQLite's online backup API; on PostgreSQL with
`pg_dump --format=custom` (a consistent snapshot). `restore()` brings an archive back into an
empty database and an empty upload folder.

An archive holds everything the site keeps (accounts, requests, private photos), so it is
written readable by its owner only (0600) and appears at its path only once complete. The
PostgreSQL password goes to pg_dump/pg_restore in their environment, never on the command
line (where `ps` would show it).
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess  # nosec B404: pg_dump/pg_restore with fixed arguments, no shell
import tarfile
import tempfile
from pathlib import Path

from flask import current_app
from sqlalchemy import inspect, select, text
from sqlalchemy.engine import make_url

from app.database import utcnow
from app.extensions import db
from app.site import pagecache

FORMAT_VERSION = 1


class BackupError(RuntimeError):
    """A backup or restore that cannot be done safely; the message says why."""


def _engine_name() -> str:
    return db.engine.dialect.name


def _libpq_url() -> str:
    """The database URL in the form pg_dump and pg_restore understand, without the password."""
    url = make_url(current_app.config["SQLALCHEMY_DATABASE_URI"]).set(drivername="postgresql")
    return url._replace(password=None).render_as_string(hide_password=False)


def _libpq_env() -> dict[str, str]:
    """The environment for pg_dump and pg_restore: the password, if any, as PGPASSWORD."""
    password = make_url(current_app.config["SQLALCHEMY_DATABASE_URI"]).password
    env = dict(os.environ)
    if password:
        env["PGPASSWORD"] = str(password)
    return env


def _sqlite_path() -> Path:
    database = make_url(current_app.config["SQLALCHEMY_DATABASE_URI"]).database
    if not database or database == ":memory:":
        raise BackupError("An in-memory SQLite database cannot be backed up.")
    return Path(database)


def _alembic_revision() -> str | None:
    if "alembic_version" not in inspect(db.engine).get_table_names():
        return None
    with db.engine.connect() as connection:
        return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()


def _run(command: list[str]) -> None:
    result = subprocess.run(  # noqa: S603
        command, capture_output=True, text=True, check=False, env=_libpq_env()
    )
    if result.returncode != 0:
        raise BackupError(f"{command[0]} failed: {result.stderr.strip()[:500]}")


def backup(path: str | Path) -> dict:
    """Write the archive at `path`; returns its manifest."""
    path = Path(path)
    uploads = Path(current_app.config["UPLOAD_FOLDER"])
    with tempfile.TemporaryDirectory() as work:
        work_dir = Path(work)
        engine = _engine_name()
        if engine == "sqlite":
            dump = work_dir / "database.sqlite3"
            source = sqlite3.connect(_sqlite_path())
            target = sqlite3.connect(dump)
            with target:
                source.backup(target)
            source.close()
            target.close()
        elif engine == "postgresql":
            dump = work_dir / "database.pgdump"
            _run(["pg_dump", "--format=custom", "--no-owner", "--file", str(dump), _libpq_url()])
        else:
            raise BackupError(f"Backups of {engine} databases are not supported.")
        manifest = {
            "format": FORMAT_VERSION,
            "engine": engine,
            "created_at": utcnow().isoformat() + "Z",
            "alembic_revision": _alembic_revision(),
            "database": dump.name,
        }
        (work_dir / "manifest.json").write_text(json.dumps(manifest, indent=2))
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(f".{path.name}.partial")
        descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        os.fchmod(descriptor, 0o600)  # also when an old partial file was left behind
        try:
            with (
                os.fdopen(descriptor, "wb") as file,
                tarfile.open(fileobj=file, mode="w:gz") as archive,
            ):
                archive.add(work_dir / "manifest.json", arcname="manifest.json")
                archive.add(dump, arcname=dump.name)
                if uploads.is_dir():
                    archive.add(uploads, arcname="uploads")
            os.replace(partial, path)
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
    return manifest


def _database_is_empty() -> bool:
    tables = [t for t in inspect(db.engine).get_table_names() if t != "alembic_version"]
    if not tables:
        return True
    with db.engine.connect() as connection:
        return all(
            connection.execute(select(text("1")).select_from(text(name)).limit(1)).first() is None
            for name in tables
        )


def _safe_members(archive: tarfile.TarFile) -> list[tarfile.TarInfo]:
    members = []
    for member in archive.getmembers():
        name = Path(member.name)
        if name.is_absolute() or ".." in name.parts or not (member.isfile() or member.isdir()):
            raise BackupError(f"Refusing a suspicious archive entry: {member.name}")
        members.append(member)
    return members


def restore(path: str | Path) -> dict:
    """Restore the archive at `path` into an empty database and upload folder."""
    uploads = Path(current_app.config["UPLOAD_FOLDER"])
    if not _database_is_empty():
        raise BackupError("The database is not empty: restore only into an empty database.")
    if uploads.is_dir() and any(p for p in uploads.rglob("*") if p.is_file()):
        raise BackupError(f"The upload folder {uploads} is not empty.")
    with tempfile.TemporaryDirectory() as work, tarfile.open(path, "r:gz") as archive:
        work_dir = Path(work)
        archive.extractall(work_dir, members=_safe_members(archive), filter="data")
        manifest = json.loads((work_dir / "manifest.json").read_text())
        if manifest.get("format") != FORMAT_VERSION:
            raise BackupError("This archive was written by an unknown version.")
        engine = _engine_name()
        if manifest["engine"] != engine:
            raise BackupError(f"This is a {manifest['engine']} backup; the database is {engine}.")
        dump = work_dir / manifest["database"]
        db.session.remove()
        if engine == "sqlite":
            db.engine.dispose()
            source = sqlite3.connect(dump)
            target = sqlite3.connect(_sqlite_path())
            with target:
                source.backup(target)
            source.close()
            target.close()
        else:
            db.engine.dispose()
            with db.engine.begin() as connection:  # drop what an upgrade may have created
                connection.execute(text("DROP SCHEMA public CASCADE"))
                connection.execute(text("CREATE SCHEMA public"))
            db.engine.dispose()
            _run(
                ["pg_restore", "--no-owner", "--exit-on-error", "--dbname", _libpq_url(), str(dump)]
            )
        if (work_dir / "uploads").is_dir():
            uploads.mkdir(parents=True, exist_ok=True)
            shutil.copytree(work_dir / "uploads", uploads, dirs_exist_ok=True)
    pagecache.restart_generation()  # pages cached before the restore are never served again
    return manifest
