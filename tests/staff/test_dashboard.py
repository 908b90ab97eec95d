"""The dashboard: attention items and panels contributed by features, recent activity."""

from __future__ import annotations

from datetime import timedelta

import pytest
from jinja2 import ChoiceLoader, DictLoader

from app.audit import record
from app.content.models import PublicationStatus
from app.database import utcnow
from app.extensions import db
from app.security import Role
from app.staff import dashboard
from app.staff.dashboard import Attention, Panel
from tests.factories import make_story
from tests.helpers import login, soup, text_of
from tests.staff.factories import make_staff, sign_in


@pytest.fixture
def registry(monkeypatch, app):
    """An empty registry for this test (the features' own registrations come back after)."""
    monkeypatch.setattr(dashboard, "_attention", [])
    monkeypatch.setattr(dashboard, "_panels", [])
    monkeypatch.setattr(
        app.jinja_env,
        "loader",
        ChoiceLoader(
            [
                DictLoader(
                    {
                        "test/chart.html": '<h3>Chart</h3><p class="chart">{{ given }} Bibles given</p>',
                        "test/subscribers.html": '<p class="subs">{{ n }} subscribers</p>',
                    }
                ),
                app.jinja_env.loader,
            ]
        ),
    )
    app.jinja_env.cache.clear()
    yield dashboard
    app.jinja_env.cache.clear()


def test_with_nothing_registered_the_dashboard_says_all_is_clear(client, registry):
    sign_in(client, Role.MODERATOR)
    response = client.get("/staff/")
    assert response.status_code == 200
    page = soup(response)
    assert "Nothing needs your attention right now." in page.get_text()
    assert not page.select(".attention") and not page.select(".panel")
    assert "No activity yet." in page.get_text()
    assert [h.get_text(strip=True) for h in page.select("main h1")] == ["Dashboard"]


def _register_several(registry, calls: list[str]):
    @registry.attention_provider(roles=(Role.MODERATOR,))
    def comments():
        calls.append("comments")
        yield Attention(
            "Comments waiting", 4, "/staff/comments/", (Role.MODERATOR,), "warning", "Comments"
        )

    @registry.attention_provider
    def requests():
        calls.append("requests")
        yield Attention(
            "Overdue verifications",
            2,
            "/staff/requests/?s=overdue",
            (Role.REVIEWER,),
            "danger",
            "Bible requests",
            hint="oldest 9 days late",
        )
        yield Attention(
            "Requests to review", 0, "/staff/requests/", (Role.REVIEWER,), group="Bible requests"
        )
        yield Attention("Failed emails", 1, "/staff/mail/", (Role.ADMIN,), "danger")

    registry.register_panel(
        Panel(
            "test/subscribers.html",
            lambda: {"n": 42},
            (Role.MODERATOR, Role.REVIEWER),
            order=60,
            title="Subscribers",
        )
    )
    registry.register_panel(
        Panel(
            "test/chart.html",
            lambda: {"given": 150},
            (Role.REVIEWER,),
            order=10,
            title="Bible distribution",
        )
    )


def test_each_role_sees_its_own_items_and_panels(app, registry):
    calls: list[str] = []
    _register_several(registry, calls)

    moderator = app.test_client()
    sign_in(moderator, Role.MODERATOR)
    page = soup(moderator.get("/staff/"))
    assert [a.select_one(".attention-label").get_text() for a in page.select(".attention")] == [
        "Comments waiting"
    ]
    assert page.select_one(".attention-warning .attention-count").get_text() == "4"
    assert [h.get_text() for h in page.select(".panel h2")] == ["Subscribers"]
    assert page.select_one(".subs").get_text() == "42 subscribers"
    assert sorted(calls) == ["comments", "requests"]

    calls.clear()
    reviewer = app.test_client()
    sign_in(reviewer, Role.REVIEWER)
    page = soup(reviewer.get("/staff/"))
    assert calls == ["requests"]  # the moderators' provider is not even run
    items = page.select(".attention")
    assert [i.select_one(".attention-label").get_text() for i in items] == ["Overdue verifications"]
    assert "attention-danger" in items[0]["class"]
    assert "Urgent:" in items[0].get_text() and "oldest 9 days late" in items[0].get_text()
    assert items[0].a["href"] == "/staff/requests/?s=overdue"
    # Nothing waiting: listed as up to date, not as a card.
    assert page.select_one(".attention-clear a").get_text() == "Requests to review"
    assert [h.get_text() for h in page.select(".panel h2")] == ["Bible distribution", "Subscribers"]
    assert page.select_one(".panel h3").get_text() == "Chart"


def test_admin_sees_everything_most_urgent_first(client, registry):
    _register_several(registry, [])
    sign_in(client, Role.ADMIN)
    page = soup(client.get("/staff/"))
    labels = [i.select_one(".attention-label").get_text() for i in page.select(".attention")]
    assert labels[:2] == ["Overdue verifications", "Failed emails"]  # danger first
    assert labels[2:] == ["Comments waiting"]
    assert len(page.select(".panel")) == 2


def test_a_failing_feature_does_not_take_the_dashboard_down(client, registry, caplog):
    @registry.attention_provider
    def broken():
        raise RuntimeError("boom")

    @registry.attention_provider
    def fine():
        yield Attention("Still here", 3, "/staff/x", (Role.MODERATOR,))

    registry.register_panel(
        Panel("test/chart.html", lambda: 1 / 0, (Role.MODERATOR,), title="Chart")
    )
    sign_in(client, Role.MODERATOR)
    response = client.get("/staff/")
    assert response.status_code == 200
    page = text_of(response)
    assert "Still here" in page
    assert "Part of this page could not be loaded" in page
    assert "This panel could not be loaded." in page
    assert "dashboard: broken failed" in caplog.text


def test_recent_activity_shows_each_role_what_concerns_it(app):
    editor = make_staff(Role.EDITOR, name="Eun-ji")
    admin = make_staff(Role.ADMIN, name="Admin Kim")
    moderator = make_staff(Role.MODERATOR, name="Min-jun")
    story = make_story(title_en="Bibles for Hanawon")
    record("content.publish", story, actor=editor, note=story.title_en)
    record("settings.change", actor=admin, note="Ministry name", key="ministry_name")
    record("comments.approve", None, actor=moderator, note="Amen")
    record("comments.reject", None, actor=admin, note="spam")
    record("auth.login", moderator, actor=moderator)
    record("auth.login_failed", None, email_known=False)
    db.session.commit()

    def activity(user):
        client = app.test_client()
        login(client, user)
        return soup(client.get("/staff/")).select(".activity li")

    (published,) = activity(editor)
    line = published.get_text(" ", strip=True)
    assert "Eun-ji · Published · Bibles for Hanawon" in line
    assert published.find("a")["href"] == f"/staff/content/stories/{story.id}"

    # Admins see all the work (sign-ins stay in the audit log), newest first.
    lines = [li.get_text(" ", strip=True) for li in activity(admin)]
    assert len(lines) == 4
    assert "Admin Kim · comments.reject" in lines[0] and "Changed a setting" in lines[2]

    # Others see their own work, and what a feature registered for their role.
    assert [li.get_text(" ", strip=True).count("Amen") for li in activity(moderator)] == [1]
    dashboard.register_activity("comments.", Role.MODERATOR)
    try:
        assert len(activity(moderator)) == 2
    finally:
        del dashboard._activity["comments."]


def test_editors_see_drafts_and_scheduled_content_waiting(client):
    make_story(status=PublicationStatus.DRAFT)
    make_story(status=PublicationStatus.DRAFT)
    make_story(published_at=utcnow() + timedelta(days=2))
    sign_in(client, Role.EDITOR)
    items = {
        i.select_one(".attention-label").get_text(): i.select_one(".attention-count").get_text()
        for i in soup(client.get("/staff/")).select(".attention")
    }
    assert items == {"Story drafts": "2", "Stories scheduled to appear": "1"}
