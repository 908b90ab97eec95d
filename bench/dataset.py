"""The benchmark's data set, inserted in bulk: 200 stories, 60 prayer requests, a story with
300 approved comments (5,000 comments in all), 10,000 subscribers, 500 leaders and 2,000
Bible requests. Also a signed-in leader's cookie for the dashboard."""

from __future__ import annotations

import hashlib
import secrets
from datetime import date, timedelta

from flask import Flask
from sqlalchemy import insert

from app.accounts.models import LeaderProfile, LeaderStatus, LoginSession, User, UserRole
from app.accounts.passwords import hash_password
from app.bible_requests.models import BibleRequest, RequestState
from app.comments.models import Comment, CommentStatus
from app.content.models import PrayerRequest, PublicationStatus, Story
from app.database import utcnow
from app.extensions import db
from app.sanitize import render_markdown
from app.subscriptions.models import Subscriber, SubscriberStatus

STORIES = 200
PRAYERS = 60
BIG_STORY_COMMENTS = 300
COMMENTS = 5000
SUBSCRIBERS = 10_000
LEADERS = 500
BIBLE_REQUESTS = 2000
BIG_STORY_SLUG = "three-hundred-comments"

PARAGRAPH = (
    "When Hanna crossed the river she carried nothing but a small bag and a promise her "
    "grandmother had whispered to her: that God had not forgotten the people of the north. "
    "In Seoul she found a church of newcomers who met every Sunday afternoon, read the Bible "
    "together in their own dialect, and shared a simple meal afterwards. "
)
BODY = "\n\n".join(PARAGRAPH for _ in range(6))
BODY_HTML = render_markdown(BODY)


def _publishable(n: int, kind: str, now) -> dict:
    return {
        "slug": BIG_STORY_SLUG if (kind == "story" and n == 1) else f"{kind}-{n}",
        "title_en": f"A newcomer's {kind} number {n}",
        "title_ko": f"새신자 {kind} {n}",
        "summary_en": PARAGRAPH[:180],
        "summary_ko": "북한에서 온 새신자의 이야기입니다.",
        "body_en": BODY,
        "body_ko": "",
        "body_html_en": BODY_HTML,
        "body_html_ko": "",
        "status": PublicationStatus.PUBLISHED,
        "published_at": now - timedelta(hours=n),
        "created_at": now - timedelta(hours=n),
        "updated_at": now - timedelta(hours=n),
        "comments_open": True,
        "comment_count": 0,
    }


def load(app: Flask) -> dict[str, str]:
    """Fill an empty, migrated database; returns the URLs and the leader's cookie."""
    now = utcnow()
    with app.app_context():
        session = db.session
        stories = [{"id": n, **_publishable(n, "story", now)} for n in range(1, STORIES + 1)]
        prayers = [
            {"id": n, **_publishable(n, "prayer", now), "prayed_count": n * 7}
            for n in range(1, PRAYERS + 1)
        ]
        # 300 approved comments on story 1 (every fifth a reply), the rest spread around.
        comments, counts_story, counts_prayer = [], {}, {}
        for n in range(1, COMMENTS + 1):
            if n <= BIG_STORY_COMMENTS:
                story_id, prayer_id = 1, None
                parent = n - 1 if n % 5 == 0 else None
            elif n % 3:
                story_id, prayer_id, parent = 2 + n % (STORIES - 1), None, None
            else:
                story_id, prayer_id, parent = None, 1 + n % PRAYERS, None
            status = CommentStatus.APPROVED if n <= BIG_STORY_COMMENTS or n % 10 else "pending"
            if status == CommentStatus.APPROVED:
                if story_id:
                    counts_story[story_id] = counts_story.get(story_id, 0) + 1
                else:
                    counts_prayer[prayer_id] = counts_prayer.get(prayer_id, 0) + 1
            body = f"We are praying for you and your family, friend. Comment {n}."
            comments.append(
                {
                    "id": n,
                    "story_id": story_id,
                    "prayer_request_id": prayer_id,
                    "parent_id": parent,
                    "author_name": f"Reader {n}",
                    "author_email": f"reader{n}@example.org",
                    "body": body,
                    "body_html": f"<p>{body}</p>",
                    "body_hash": hashlib.sha256(body.encode()).hexdigest(),
                    "status": CommentStatus(status),
                    "created_at": now - timedelta(minutes=COMMENTS - n),
                    "locale": "en",
                    "by_staff": False,
                    "moderation_rule": "",
                    "moderation_detail": "",
                    "notify_replies": False,
                }
            )
        for row in stories:
            row["comment_count"] = counts_story.get(row["id"], 0)
        for row in prayers:
            row["comment_count"] = counts_prayer.get(row["id"], 0)
        session.execute(insert(Story), stories)
        session.execute(insert(PrayerRequest), prayers)
        session.execute(insert(Comment), comments)

        session.execute(
            insert(Subscriber),
            [
                {
                    "email": f"subscriber{n}@example.org",
                    "name": "",
                    "language": "ko" if n % 2 else "en",
                    "status": SubscriberStatus.CONFIRMED,
                    "token": secrets.token_hex(16),
                    "confirmed_at": now,
                }
                for n in range(1, SUBSCRIBERS + 1)
            ],
        )

        password = hash_password("bench-leader-password")
        session.execute(
            insert(User),
            [
                {
                    "id": n,
                    "email": f"leader{n}@example.org",
                    "name": f"Leader {n}",
                    "password_hash": password,
                    "email_confirmed_at": now,
                }
                for n in range(1, LEADERS + 1)
            ],
        )
        session.execute(
            insert(UserRole), [{"user_id": n, "role": "leader"} for n in range(1, LEADERS + 1)]
        )
        session.execute(
            insert(LeaderProfile),
            [
                {
                    "user_id": n,
                    "organization": f"Hope Church {n}",
                    "organization_type": "church",
                    "position": "Pastor",
                    "country": "South Korea",
                    "city": "Seoul",
                    "reference": "https://example.org",
                    "ministry_description": "We disciple North Koreans weekly.",
                    "nk_count": 12,
                    "ministry_since": "2019",
                    "meeting_frequency": "weekly",
                    "status": LeaderStatus.VERIFIED,
                    "verified_at": now,
                    "verification_expires_at": now + timedelta(days=365),
                    "submitted_at": now,
                    "stipulations_accepted_at": now,
                }
                for n in range(1, LEADERS + 1)
            ],
        )
        states = list(RequestState)
        session.execute(
            insert(BibleRequest),
            [
                {
                    "leader_id": 1 + n % LEADERS,
                    "state": states[n % len(states)],
                    "organization": f"Hope Church {1 + n % LEADERS}",
                    "quantity_requested": 10,
                    "nk_in_discipleship": 12,
                    "plan": "Weekly Bible study with newcomers.",
                    "handout_date": date.today() + timedelta(days=30),
                    "ship_to": "Hope Church",
                    "ship_address": "1 Church Road, Seoul",
                    "ship_postal_code": "08200",
                    "ship_country": "South Korea",
                    "commitments": [],
                    "eligibility": {},
                    "submitted_at": now - timedelta(days=n % 300),
                }
                for n in range(1, BIBLE_REQUESTS + 1)
            ],
        )
        token = secrets.token_urlsafe(32)
        session.add(
            LoginSession(
                user_id=1,
                token_hash=hashlib.sha256(token.encode()).hexdigest(),
                created_at=now,
                last_seen_at=now,
                expires_at=now + timedelta(days=1),
            )
        )
        session.commit()
        if db.engine.dialect.name == "postgresql":  # explicit ids above: move the sequences on
            for table in ("stories", "prayer_requests", "comments", "users"):
                session.execute(
                    db.text(
                        f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "  # noqa: S608
                        f"(SELECT max(id) FROM {table}))"
                    )
                )
            session.commit()
        serializer = app.session_interface.get_signing_serializer(app)  # type: ignore[attr-defined]
        cookie = serializer.dumps({"_user_id": token, "_fresh": True})
    name = app.config.get("SESSION_COOKIE_NAME", "session")
    return {"leader_cookie": f"{name}={cookie}", "prayer_slug": "prayer-1"}
