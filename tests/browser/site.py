"""A lived-in site for the page scans: the demo content, comments, prayer updates, leaders with
requests in several states, a defector's request, subscribers; and every page worth scanning.

`build_site()` returns the pages as (label, path) pairs, grouped by who sees them: visitors,
ministry leaders (several, since a leader has one open request at a time), and staff.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy import select

from app.accounts import people
from app.accounts import tokens as account_tokens
from app.accounts.models import LeaderStatus, User
from app.bible_requests import decline_texts, defectors
from app.bible_requests.models import RequestState
from app.comments import notifications
from app.comments.models import CommentStatus
from app.content.models import PrayerRequest, Project, Story
from app.database import utcnow
from app.demo import load_demo
from app.extensions import db
from app.mail.delivery import drain
from app.security import Role
from app.subscriptions import sending
from app.subscriptions import tokens as subscription_tokens
from app.subscriptions.models import SubscriberStatus
from tests.bible_requests.factories import make_request
from tests.comments.factories import make_comment
from tests.email.factories import link_token, make_subscriber, make_update
from tests.factories import make_leader, make_prayer
from tests.staff.factories import make_image, make_staff

Pages = list[tuple[str, str]]


@dataclass
class Site:
    public: Pages = field(default_factory=list)
    leaders: list[tuple[User, Pages]] = field(default_factory=list)
    staff: User | None = None
    staff_pages: Pages = field(default_factory=list)


def build_site(app) -> Site:
    with app.test_request_context("/"):
        site = Site()
        load_demo()
        db.session.commit()
        story = db.session.scalar(select(Story))
        project = db.session.scalar(select(Project))
        prayer = db.session.scalar(select(PrayerRequest).order_by(PrayerRequest.id))
        answered = make_prayer(
            title_en="Pray for Mrs. L's first Christmas in the South",
            title_ko="남한에서 첫 성탄절을 맞는 L 씨를 위해 기도해 주세요",
            answer_note_en="Mrs. L spent Christmas with her new church family.",
            answer_note_ko="L 씨는 새 교회 가족과 함께 성탄절을 보냈습니다.",
            answered_at=utcnow() - timedelta(days=2),
            project_id=project.id,
        )
        admin = make_staff(Role.ADMIN, name="Ruth Admin", email="ruth@vom.example")
        admin.totp_secret = "JBSWY3DPEHPK3PXP"
        first = make_comment(story, name="Sarah", body="Praying for Mr. P and his family.")
        make_comment(
            story, name="Ruth Admin", body="Thank you, Sarah!", parent=first, by_staff=True
        )
        held = make_comment(story, status=CommentStatus.PENDING, name="Joon", body="Amen. 아멘.")
        make_comment(prayer, name="David", body="We prayed at our Wednesday meeting.")

        image = make_image(admin, caption_en="A Bible", caption_ko="성경")
        reader = make_subscriber("reader@example.org", name="Miriam")
        make_subscriber("pending@example.org", status=SubscriberStatus.PENDING)
        update = make_update(prayers=[prayer, answered], stories=[story])
        sending.send_now(update, admin)
        db.session.commit()
        drain()
        sending.run_due_jobs()
        draft = make_update(subject_en="Prayer update for April", subject_ko="4월 기도 소식")

        # Leaders: a verified one with a request given out and verified, one whose Bibles
        # arrived (cards and the proof form), one asked for changes, one waiting for review.
        reviewer = admin
        verified_leader = make_leader(name="Pastor Kim", email="kim@example.org")
        past = make_request(RequestState.VERIFIED, leader=verified_leader, reviewer=reviewer)
        received = make_request(
            RequestState.RECEIVED, leader=make_leader(name="Pastor Lee"), reviewer=reviewer
        )
        changes = make_request(
            RequestState.CHANGES_REQUESTED, leader=make_leader(name="Pastor Park"), stock=0
        )
        waiting = make_request(
            RequestState.VERIFICATION_SUBMITTED, leader=make_leader(name="Pastor Choi"), stock=0
        )
        submitted = make_request(leader=make_leader(name="Pastor Han"), stock=0)
        applicant = make_leader(LeaderStatus.PENDING_REVIEW, name="Pastor Jung")
        defector = defectors.submit(
            {
                "name": "Kim Young-hee",
                "country": "South Korea",
                "postal_address": "Seoul",
                "contact": "",
                "reason": "I want to read the Bible in my own words.",
            },
            "ko",
        )
        invited = people.invite(
            "newstaff@vom.example", name="New Staff", roles=[Role.EDITOR], locale="en", actor=admin
        )
        decline_texts.active_templates()
        db.session.commit()
        template = decline_texts.active_templates()[0]

        sub = link_token(reader)
        confirm = subscription_tokens.confirmation_token(reader.token, ["prayer"], "en", "")
        site.public = [
            ("home", "/"),
            ("stories", "/stories/"),
            ("story", f"/stories/{story.slug}"),
            ("prayer list", "/prayer/"),
            ("prayer", f"/prayer/{prayer.slug}"),
            ("answered prayer", f"/prayer/{answered.slug}"),
            ("project", f"/projects/{project.slug}"),
            ("about", "/about"),
            ("subscribe", "/subscribe"),
            ("subscribe: check your email", "/subscribe/check-email"),
            ("subscribe: confirm", f"/subscribe/confirm/{confirm}"),
            ("subscribe: bad link", "/subscribe/confirm/not-a-token"),
            ("subscription: preferences", f"/subscription/{sub}"),
            ("subscription: manage", "/subscription/manage"),
            ("subscription: manage sent", "/subscription/manage/sent"),
            ("subscription: erase", f"/subscription/{sub}/erase"),
            ("subscription: erased", "/subscription/erased"),
            ("unsubscribe (one click)", f"/unsubscribe/{sub}"),
            ("updates archive", "/updates/"),
            ("update", f"/updates/{update.id}"),
            ("defector request form", "/nk-bible/"),
            ("defector request sent", "/nk-bible/thanks"),
            ("comment replies: stop", f"/comments/stop/{notifications.stop_token(first)}"),
            ("sign in", "/account/login"),
            ("sign up", "/account/signup"),
            ("sign up: check your email", "/account/signup/check-email"),
            ("password reset", "/account/reset"),
            (
                "password reset: new password",
                f"/account/reset/{account_tokens.make(account_tokens.RESET_PASSWORD, reviewer)}",
            ),
            (
                "confirm email",
                "/account/confirm/"
                + account_tokens.make(account_tokens.CONFIRM_EMAIL, applicant, e=applicant.email),
            ),
            ("confirm email: bad link", "/account/confirm/not-a-token"),
            (
                "staff invitation",
                f"/account/invite/{account_tokens.make(account_tokens.STAFF_INVITE, invited)}",
            ),
            ("error 404", "/no-such-page"),
            ("error 405", "/account/logout"),
        ]

        site.leaders = [
            (
                verified_leader,
                [
                    ("account home", "/account/"),
                    ("profile", "/account/profile"),
                    ("settings", "/account/settings"),
                    ("change password", "/account/settings/password"),
                    ("change email", "/account/settings/email"),
                    ("two-factor settings", "/account/settings/two-factor"),
                    ("two-factor: enable", "/account/settings/two-factor/enable"),
                    ("requests", "/requests/"),
                    ("eligibility", "/requests/eligibility"),
                    ("not eligible", "/requests/not-eligible?reason=personal&reason=event"),
                    ("verified request", f"/requests/{past.id}"),
                ],
            ),
            (
                received.leader,
                [
                    ("account home: Bibles arrived", "/account/"),
                    ("request: Bibles arrived", f"/requests/{received.id}"),
                    ("recipient cards", f"/requests/{received.id}/cards"),
                    ("proof upload", f"/requests/{received.id}/verification"),
                    ("one request at a time", "/requests/eligibility"),
                ],
            ),
            (
                changes.leader,
                [
                    ("request: changes asked", f"/requests/{changes.id}"),
                    ("request form: change", f"/requests/{changes.id}/edit"),
                ],
            ),
            (applicant, [("account home: waiting for review", "/account/")]),
        ]

        site.staff = admin
        site.staff_pages = [
            ("dashboard", "/staff/"),
            ("comments queue", "/staff/comments/"),
            ("comments: approved", "/staff/comments/?status=approved"),
            ("comment", f"/staff/comments/{held.id}"),
            ("leaders queue", "/staff/leaders/"),
            ("leader", f"/staff/leaders/{applicant.leader_profile.id}"),
            ("requests queue", "/staff/requests/"),
            ("request: submitted", f"/staff/requests/{submitted.id}"),
            ("request: proof sent", f"/staff/requests/{waiting.id}"),
            ("request: verified", f"/staff/requests/{past.id}"),
            ("stock", "/staff/requests/stock"),
            ("reports", "/staff/requests/reports"),
            ("decline reasons", "/staff/requests/decline-reasons"),
            ("decline reason", f"/staff/requests/decline-reasons/{template.id}"),
            ("defectors", "/staff/requests/defectors/"),
            ("defector", f"/staff/requests/defectors/{defector.id}"),
            ("stories", "/staff/content/stories/"),
            ("story: new", "/staff/content/stories/new"),
            ("story: edit", f"/staff/content/stories/{story.id}"),
            ("prayer requests", "/staff/content/prayer/"),
            ("prayer: edit", f"/staff/content/prayer/{prayer.id}"),
            ("prayer: answer", f"/staff/content/prayer/{answered.id}/answer"),
            ("projects", "/staff/content/projects/"),
            ("photos", "/staff/media/"),
            ("photo", f"/staff/media/{image.id}"),
            ("prayer updates", "/staff/updates/"),
            ("prayer update: new", "/staff/updates/new"),
            ("prayer update: draft", f"/staff/updates/{draft.id}"),
            ("prayer update: edit", f"/staff/updates/{draft.id}/edit"),
            ("prayer update: sent", f"/staff/updates/{update.id}"),
            ("prayer update: preview", f"/staff/updates/{draft.id}/preview/{{lang}}"),
            ("subscribers", "/staff/subscribers/"),
            ("subscriber", f"/staff/subscribers/{reader.id}"),
            ("subscriber: add", "/staff/subscribers/add"),
            ("suppressed addresses", "/staff/mail/suppressed"),
            ("failed email", "/staff/mail/failed"),
            ("settings", "/staff/settings/"),
            ("audit log", "/staff/audit/"),
            ("people", "/staff/people/"),
            ("person", f"/staff/people/{verified_leader.id}"),
            ("invite", "/staff/people/invite"),
        ]
        db.session.commit()
        return site
