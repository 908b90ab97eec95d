"""Fields a leader or visitor may not set stay as they were, whatever the form sends.

Each test fills in the real form as a browser would (CSRF on), adds fields that name what only
staff may change (state, role, approved quantity, leader status, ownership), and checks that
nothing of it reached the database.
"""

from __future__ import annotations

from sqlalchemy import select

from app.accounts.models import LeaderStatus, User, UserRole
from app.bible_requests.models import RequestState
from app.comments.models import Comment, CommentStatus
from app.extensions import db
from tests.bible_requests.factories import make_request, step
from tests.comments.factories import post_comment
from tests.factories import make_leader, make_story, make_user
from tests.helpers import login
from tests.staff.factories import form_values

COMMITMENTS = ("commit_free_gift", "commit_contact", "commit_photo", "commit_no_storing")
SNEAKY = {
    "state": "approved",
    "status": "verified",
    "role": "admin",
    "roles": "admin",
    "quantity_approved": "500",
    "leader_id": "1",
    "is_admin": "1",
    "verified_at": "2020-01-01",
    "verification_expires_at": "2099-01-01",
    "by_staff": "y",
}


def _roles(user_id: int) -> set[str]:
    return set(db.session.scalars(select(UserRole.role).where(UserRole.user_id == user_id)))


def test_resubmitting_a_request_cannot_approve_it_or_move_it(client):
    req = make_request(RequestState.CHANGES_REQUESTED)
    other = make_leader()
    login(client, req.leader)
    url = f"/requests/{req.id}/edit"
    data = form_values(client, url, "form.form", quantity="7", **SNEAKY)
    data.update(dict.fromkeys(COMMITMENTS, "y"))
    data["leader_id"] = str(other.id)
    response = client.post(url, data=data)
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    db.session.expire_all()
    assert req.state == RequestState.SUBMITTED  # resubmitted, not approved
    assert req.quantity_requested == 7
    assert req.quantity_approved is None
    assert req.leader_id != other.id
    assert _roles(req.leader_id) == {"leader"}


def test_the_quantity_cannot_change_after_approval(client):
    req = make_request(RequestState.APPROVED, quantity_requested=5)
    login(client, req.leader)
    url = f"/requests/{req.id}/edit"
    token_page = form_values(client, f"/requests/{req.id}", "form")
    data = {"csrf_token": token_page["csrf_token"], "quantity": "500", **SNEAKY}
    response = client.post(url, data=data)
    assert response.status_code == 302
    db.session.expire_all()
    assert (req.quantity_requested, req.quantity_approved) == (5, 5)
    assert req.state == RequestState.APPROVED
    # Nor through the verification form once shipped: the approved quantity stays.
    reviewer = make_user("reviewer")
    step(req, RequestState.SHIPPED, reviewer)
    step(req, RequestState.RECEIVED, reviewer)
    response = client.post(
        f"/requests/{req.id}/verification",
        data={"csrf_token": token_page["csrf_token"], "quantity_approved": "500", **SNEAKY},
    )
    assert response.status_code in (200, 400)
    db.session.expire_all()
    assert req.quantity_approved == 5 and req.state == RequestState.RECEIVED


def test_a_profile_update_cannot_verify_the_leader_or_grant_a_role(client):
    leader = make_leader(LeaderStatus.PENDING_REVIEW)
    login(client, leader)
    data = form_values(client, "/account/profile", "form.form", **SNEAKY)
    data["note"] = "Updated our meeting times."
    response = client.post("/account/profile", data=data)
    assert response.status_code in (200, 302)
    db.session.expire_all()
    profile = leader.leader_profile
    assert profile.status != LeaderStatus.VERIFIED
    assert profile.verified_at is None and profile.verification_expires_at is None
    assert _roles(leader.id) == {"leader"}


def test_account_settings_cannot_grant_a_role_or_change_the_address(client):
    leader = make_leader()
    email = leader.email
    login(client, leader)
    data = form_values(client, "/account/settings", "form", email="evil@example.org", **SNEAKY)
    client.post("/account/settings", data=data)
    db.session.expire_all()
    user = db.session.get(User, leader.id)
    assert user.email == email
    assert _roles(leader.id) == {"leader"}


def test_a_visitor_cannot_approve_their_own_comment_or_post_as_staff(client):
    story = make_story()
    response = post_comment(client, story, status="approved", **{"by_staff": "y"})
    assert response.status_code in (200, 302)
    comment = db.session.scalar(select(Comment))
    assert comment is not None
    assert comment.by_staff is False
    assert comment.status == CommentStatus.PENDING
