"""A small site with one of everything, for the tests that walk every route.

Leader A owns a Bible request (with a verification photo); leader B owns nothing of A's.
Each staff role has its own account. `url_for_rule` fills a rule's parameters from these
objects, so every route is requested with real ids, slugs and tokens.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from werkzeug.routing import Rule

from app.accounts import people
from app.accounts import tokens as account_tokens
from app.accounts.models import LeaderStatus
from app.bible_requests import decline_texts
from app.bible_requests.models import DefectorRequest, RequestState
from app.comments import notifications
from app.comments.models import CommentStatus
from app.database import utcnow
from app.extensions import db
from app.mail.models import (
    MailCategory,
    OutboxMessage,
    OutboxStatus,
    SuppressedAddress,
    SuppressionReason,
)
from app.security import Role
from app.subscriptions import tokens as subscription_tokens
from app.subscriptions.models import SubscriberStatus
from tests.bible_requests.factories import make_request
from tests.comments.factories import make_comment
from tests.email.factories import make_subscriber, make_update
from tests.factories import make_leader, make_prayer, make_project, make_story
from tests.helpers import login
from tests.staff.factories import make_image, make_staff

STAFF_ROLES = (Role.ADMIN, Role.EDITOR, Role.MODERATOR, Role.REVIEWER)
IDENTITIES = ("anonymous", "leader_a", "leader_b", *(r.value for r in STAFF_ROLES))


@dataclass
class World:
    users: dict[str, Any] = field(default_factory=dict)
    objects: dict[str, Any] = field(default_factory=dict)
    params: dict[str, Any] = field(default_factory=dict)
    # Valid link tokens per endpoint (confirmation, reset, invitation links).
    tokens: dict[str, str] = field(default_factory=dict)

    def sign_in(self, client, identity: str) -> None:
        if identity != "anonymous":
            login(client, self.users[identity], mfa=True)


def build_world() -> World:
    world = World()
    leader_a = make_leader(name="Leader A")
    leader_b = make_leader(name="Leader B")
    world.users.update(leader_a=leader_a, leader_b=leader_b)
    for role in STAFF_ROLES:
        world.users[role.value] = make_staff(role)
    request_a = make_request(RequestState.VERIFICATION_SUBMITTED, leader=leader_a)
    photo = request_a.verifications[0].photos[0]
    story, prayer, project = make_story(), make_prayer(), make_project()
    comment = make_comment(story, status=CommentStatus.PENDING)
    subscriber = make_subscriber()
    update = make_update(prayers=[prayer])
    image = make_image(world.users["editor"])
    defector = DefectorRequest(
        country="South Korea", name="Kim", postal_address="Seoul", contact="010", reason="read"
    )
    now = utcnow()
    failed = OutboxMessage(
        category=MailCategory.TRANSACTIONAL,
        template="test",
        to_address="failed@example.org",
        subject="A failed message",
        body_text="Hello",
        message_id="<failed-1@example.org>",
        status=OutboxStatus.FAILED,
        next_attempt_at=now,
    )
    suppressed = SuppressedAddress(email="gone@example.org", reason=SuppressionReason.MANUAL)
    db.session.add_all([defector, failed, suppressed])
    db.session.commit()
    template = decline_texts.active_templates()[0]
    world.objects.update(
        request_a=request_a, photo=photo, story=story, prayer=prayer, project=project,
        comment=comment, subscriber=subscriber, update=update, image=image,
    )  # fmt: skip
    signed = subscription_tokens.sign(subscriber.token)
    world.params = {
        "request_id": request_a.id,
        "photo_id": photo.id,
        "comment_id": comment.id,
        "item_id": story.id,
        "profile_id": leader_a.leader_profile.id,
        "user_id": leader_a.id,
        "message_id": failed.id,
        "row_id": suppressed.id,
        "image_id": image.id,
        "subscriber_id": subscriber.id,
        "update_id": update.id,
        "template_id": template.id,
        "id": defector.id,
        "name": sorted(image.files.values())[0],
        "target": "story",
        "kind": "stories",
        "slug": story.slug,
        "language": "en",
        "state": "approved",
        "action": "approve",
        "token": signed,
        "version": _asset_version(),
    }
    unconfirmed = make_leader(LeaderStatus.UNCONFIRMED, name="Leader C")
    invited = people.invite(
        "invited@vom.example", name="Invited", roles=[Role.EDITOR], locale="en",
        actor=world.users["admin"],
    )  # fmt: skip
    db.session.commit()
    pending = make_subscriber(status=SubscriberStatus.PENDING)
    make = account_tokens.make
    world.tokens = {
        "accounts.confirm_email": make(
            account_tokens.CONFIRM_EMAIL, unconfirmed, e=unconfirmed.email
        ),
        "accounts.reset_password": make(account_tokens.RESET_PASSWORD, leader_b),
        "accounts.confirm_email_change": make(
            account_tokens.CHANGE_EMAIL, leader_b, n="moved@example.org", o=leader_b.email
        ),
        "accounts.accept_invite": make(account_tokens.STAFF_INVITE, invited),
        "subscriptions.confirm": subscription_tokens.confirmation_token(
            pending.token, ["prayer"], "en", "Reader"
        ),
        "comments.stop": notifications.stop_token(comment),
    }
    return world


def url_for_rule(rule: Rule, world: World) -> str:
    """The rule's path with every parameter filled from the world's objects."""
    values = {}
    for argument in rule.arguments:
        values[argument] = world.params[argument]
    if rule.endpoint == "content.prayer_request" or rule.endpoint == "content.prayed":
        values["slug"] = world.objects["prayer"].slug
    if rule.endpoint == "content.project":
        values["slug"] = world.objects["project"].slug
    if rule.endpoint in world.tokens:
        values["token"] = world.tokens[rule.endpoint]
    if rule.endpoint in ("staff.content.answer", "staff.content.unanswer"):
        values["item_id"] = world.objects["prayer"].id
    if rule.endpoint == "staff.requests.defector_step":
        values["state"] = "shipped"
    return rule.build(values, append_unknown=False)[1]


def _asset_version() -> str:
    """The public stylesheet's current hash, where the site serves one under its hash."""
    try:
        from app.site.assets import public_stylesheet
    except ImportError:
        return "none"
    return public_stylesheet()[1]


# --- a fingerprint of the whole database, to prove a request changed nothing -----------------

# Columns that record that someone was here, not what the site holds.
VOLATILE = {("login_sessions", "last_seen_at")}


def database_fingerprint() -> dict[str, str]:
    """Per table: row count and a digest of every row (volatile columns left out)."""
    db.session.expire_all()
    result: dict[str, str] = {}
    with db.engine.connect() as conn:
        for table in db.metadata.sorted_tables:
            columns = [c for c in table.columns if (table.name, c.name) not in VOLATILE]
            rows = conn.execute(select(*columns).order_by(*table.primary_key.columns)).all()
            digest = hashlib.sha256(repr([tuple(map(str, r)) for r in rows]).encode()).hexdigest()
            result[table.name] = f"{len(rows)}:{digest[:16]}"
    return result
