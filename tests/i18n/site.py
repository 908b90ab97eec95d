"""A small but complete site (content, a leader's requests, subscribers, an update, mail),
and the addresses of its pages for a visitor, a leader and an admin."""

from __future__ import annotations

from dataclasses import dataclass, field

from flask import current_app

from app.bible_requests import defectors
from app.bible_requests.eligibility import REASONS
from app.bible_requests.models import RequestState
from app.comments.models import Comment, CommentStatus
from app.comments.notifications import stop_token
from app.demo import load_demo
from app.extensions import db
from app.mail.models import OutboxMessage, OutboxStatus, SuppressionReason
from app.mail.services import queue_email, suppress
from app.security import Role
from app.subscriptions import tokens
from app.subscriptions.models import SubscriberStatus
from app.subscriptions.sending import send_now
from tests.bible_requests.factories import make_request
from tests.comments.factories import make_comment
from tests.email.factories import link_token, make_subscriber, make_update
from tests.factories import make_leader, make_prayer
from tests.staff.factories import make_image, make_staff

S = RequestState


@dataclass
class Site:
    leader: object
    admin: object
    new_leader: object
    receiving_leader: object
    public: list[str] = field(default_factory=list)
    leader_pages: list[str] = field(default_factory=list)
    new_leader_pages: list[str] = field(default_factory=list)
    receiving_leader_pages: list[str] = field(default_factory=list)
    staff_pages: list[str] = field(default_factory=list)


def build_site() -> Site:
    """Everything a page can show, in both languages where people write both."""
    load_demo()
    db.session.commit()
    from sqlalchemy import select

    from app.content.models import PrayerRequest, Project, Story

    story = db.session.scalars(select(Story)).first()
    project = db.session.scalars(select(Project)).first()
    prayers = db.session.scalars(select(PrayerRequest)).all()
    answered = make_prayer(
        title_en="An answered prayer",
        title_ko="응답된 기도",
        answered_at=story.published_at,
        answer_note_en="God answered.",
    )

    admin = make_staff(Role.ADMIN, name="관리자")
    reviewer = make_staff(Role.REVIEWER, name="검토자")
    leader = make_leader(name="김지도", organization="소망교회 탈북민 공동체")
    leader.locale = "ko"
    requests = {
        state: make_request(state, leader=make_leader(), reviewer=reviewer, stock=50)
        for state in (S.SUBMITTED, S.SHIPPED, S.VERIFICATION_SUBMITTED, S.DECLINED)
    }
    own = make_request(S.APPROVED, leader=leader, reviewer=reviewer, stock=10)
    new_leader = make_leader(name="이새롬")
    receiving_leader = make_leader(name="박수령")
    receiving = make_request(S.RECEIVED, leader=receiving_leader, reviewer=reviewer, stock=10)
    done = make_request(S.VERIFIED, leader=make_leader(), reviewer=reviewer, stock=10)
    dreq = defectors.submit(
        {
            "name": "박",
            "country": "대한민국",
            "postal_address": "서울시 구로구",
            "contact": "",
            "reason": "성경을 읽고 싶습니다.",
        },
        "ko",
    )
    pending = make_comment(story, status=CommentStatus.PENDING, name="방문자", locale="ko")
    make_comment(story, name="기도하는 이", body="함께 기도합니다.", locale="ko")
    subscriber = make_subscriber("reader@example.org", language="ko", name="독자")
    make_subscriber("waiting@example.org", status=SubscriberStatus.PENDING)
    suppress("bounced@example.org", SuppressionReason.HARD_BOUNCE)
    failed = queue_email("failed@example.org", "subscription_already", subject="제목")
    failed.status = OutboxStatus.FAILED
    failed.last_error = "550 mailbox unavailable"
    update = make_update(prayers=prayers[:1], stories=[story])
    sent_update = make_update(prayers=prayers[:1], stories=[story], subject_ko="지난 기도 소식")
    send_now(sent_update, admin)
    image = make_image()
    db.session.commit()
    assert db.session.get(OutboxMessage, failed.id)

    db.session.commit()
    site = Site(
        leader=leader, admin=admin, new_leader=new_leader, receiving_leader=receiving_leader
    )
    token = link_token(subscriber)
    confirm = tokens.confirmation_token(subscriber.token, ["prayer"], "ko", "")
    with current_app.test_request_context():
        stop = stop_token(db.session.get(Comment, pending.id))
    site.public = [
        "/",
        "/stories/",
        f"/stories/{story.slug}",
        "/prayer/",
        f"/prayer/{prayers[0].slug}",
        f"/prayer/{answered.slug}",
        f"/projects/{project.slug}",
        "/about",
        "/subscribe",
        "/subscribe/check-email",
        "/subscription/manage",
        "/subscription/manage/sent",
        f"/subscription/{token}",
        f"/subscription/{token}/erase",
        f"/unsubscribe/{token}",
        "/subscription/erased",
        "/updates/",
        f"/updates/{sent_update.id}",
        f"/subscribe/confirm/{confirm}",
        f"/comments/stop/{stop}",
        "/nk-bible/thanks?lang=ko",
        "/account/login",
        "/account/signup",
        "/account/signup/check-email",
        "/account/reset",
        "/account/confirm/not-a-token",
        "/nk-bible/?lang=ko",
        "/no-such-page",
    ]
    site.leader_pages = [
        "/account/",
        "/account/profile",
        "/account/settings",
        "/account/settings/email",
        "/account/settings/password",
        "/account/settings/two-factor",
        "/requests/",
        f"/requests/{own.id}",
        f"/requests/{own.id}/cards",
    ]
    site.new_leader_pages = [
        "/requests/eligibility",
        "/requests/not-eligible?" + "&".join(f"reason={key}" for key in REASONS),
        "/requests/new",  # after the eligibility check (the test answers it first)
    ]
    site.receiving_leader_pages = [
        f"/requests/{receiving.id}",
        f"/requests/{receiving.id}/verification",
    ]
    site.staff_pages = [
        "/staff/",
        "/staff/comments/",
        f"/staff/comments/{pending.id}",
        "/staff/content/stories/",
        f"/staff/content/stories/{story.id}",
        "/staff/content/stories/new",
        "/staff/content/prayer/",
        f"/staff/content/prayer/{prayers[0].id}",
        f"/staff/content/prayer/{prayers[0].id}/answer",
        "/staff/content/projects/",
        "/staff/media/",
        f"/staff/media/{image.id}",
        "/staff/settings/",
        "/staff/audit/",
        "/staff/leaders/",
        f"/staff/leaders/{leader.leader_profile.id}",
        "/staff/people/",
        f"/staff/people/{leader.id}",
        "/staff/people/invite",
        "/staff/requests/",
        *(f"/staff/requests/{req.id}" for req in (*requests.values(), own, done)),
        "/staff/requests/stock",
        "/staff/requests/reports",
        "/staff/requests/decline-reasons",
        "/staff/requests/decline-reasons/new",
        "/staff/requests/defectors/",
        f"/staff/requests/defectors/{dreq.id}",
        "/staff/subscribers/",
        f"/staff/subscribers/{subscriber.id}",
        "/staff/subscribers/add",
        "/staff/mail/failed",
        "/staff/mail/suppressed",
        "/staff/updates/",
        f"/staff/updates/{update.id}",
        f"/staff/updates/{update.id}/edit",
        f"/staff/updates/{update.id}/preview/ko",
    ]
    return site
