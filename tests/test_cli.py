"""Commands: demo content and accounts."""

from __future__ import annotations

from sqlalchemy import func, select

from app.accounts.models import User
from app.accounts.passwords import verify_password
from app.content.models import MediaImage, PrayerRequest, Project, Story
from app.extensions import db
from app.security import Role
from tests.helpers import soup


def counts() -> dict[str, int]:
    return {
        model.__name__: db.session.scalar(select(func.count()).select_from(model))
        for model in (Project, Story, PrayerRequest, MediaImage)
    }


def test_demo_load_creates_the_seed_content_once(app, client):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["demo", "load"])
    assert first.exit_code == 0, first.output
    assert counts() == {"Project": 1, "Story": 1, "PrayerRequest": 2, "MediaImage": 1}

    second = runner.invoke(args=["demo", "load"])
    assert second.exit_code == 0
    assert "Already there: story North Korean Bible Distributions" in second.output
    assert counts() == {"Project": 1, "Story": 1, "PrayerRequest": 2, "MediaImage": 1}

    story = soup(client.get("/stories/north-korean-bible-distributions"))
    assert story.find("figcaption").get_text(strip=True) == "Mr. P receives an NK Bible"
    assert "stored them" not in story.get_text()  # the seed's own words follow
    assert "store them for future use" in story.get_text()
    image = story.select_one(".hero-figure img")
    with client.get(image["src"]) as photo:
        assert photo.status_code == 200 and photo.mimetype == "image/jpeg"
    assert "Pray for Mr. Y" in soup(client.get("/prayer/")).get_text()
    project = soup(client.get("/projects/north-korean-newcomers?lang=ko"))
    assert project.h1.get_text(strip=True) == "탈북 새신자 맞이"


def test_users_create_with_password_option(app):
    result = app.test_cli_runner().invoke(
        args=[
            "users",
            "create",
            "Admin@Example.org",
            "--role",
            "admin",
            "--password",
            "a long enough password",
        ]
    )
    assert result.exit_code == 0, result.output
    user = db.session.scalar(select(User))
    assert user.email == "admin@example.org"
    assert user.role_names == {Role.ADMIN}
    assert user.password_hash.startswith("$argon2id$")
    assert verify_password(user.password_hash, "a long enough password")


def test_users_create_prompts_for_the_password(app):
    result = app.test_cli_runner().invoke(
        args=["users", "create", "editor@example.org", "--role", "editor"],
        input="prompted password 1\nprompted password 1\n",
    )
    assert result.exit_code == 0, result.output
    user = db.session.scalar(select(User))
    assert verify_password(user.password_hash, "prompted password 1")


def test_users_create_refuses_duplicates_and_short_passwords(app):
    runner = app.test_cli_runner()
    assert (
        runner.invoke(args=["users", "create", "a@example.org", "--password", "short"]).exit_code
        == 1
    )
    assert (
        runner.invoke(args=["users", "create", "a@example.org", "--password", "x" * 12]).exit_code
        == 0
    )
    again = runner.invoke(args=["users", "create", "A@example.org", "--password", "y" * 12])
    assert again.exit_code == 1 and "already exists" in again.output
