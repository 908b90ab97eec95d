"""Email goes out in the language of its recipient: subject, text and HTML. One Korean email
for each feature that writes to people (leaders, comment replies, subscriptions, Bible
requests); the English ones are covered by each feature's own tests."""

from __future__ import annotations

from sqlalchemy import select

from app.accounts import leaders
from app.accounts.models import LeaderStatus
from app.bible_requests.models import RequestState
from app.comments.models import CommentStatus
from app.extensions import db
from app.mail.models import OutboxMessage
from app.security import Role
from tests.accounts.test_signup import apply
from tests.bible_requests.factories import make_request
from tests.comments.factories import make_comment
from tests.email.factories import subscribe
from tests.factories import make_leader, make_story, make_user
from tests.helpers import login, submit
from tests.i18n.test_korean_pages import english_left, english_messages


def sent(template: str, to: str | None = None) -> list[OutboxMessage]:
    db.session.rollback()  # see what the requests committed
    query = select(OutboxMessage).where(OutboxMessage.template == template)
    if to:
        query = query.where(OutboxMessage.to_address == to)
    return list(db.session.scalars(query.order_by(OutboxMessage.id)))


def assert_korean(message: OutboxMessage, subject: str, *sentences: str) -> None:
    """Subject, text and HTML in Korean, with no English interface text left."""
    assert message.subject == subject
    for sentence in sentences:
        assert sentence in message.body_text
        assert sentence in message.body_html
    assert '<html lang="ko">' in message.body_html
    exact, patterns = english_messages()
    assert not english_left(message.template, message.body_html, exact, patterns)
    text_as_page = '<html lang="ko">' + "".join(
        f"<p>{line}</p>" for line in message.body_text.splitlines()
    )
    assert not english_left(message.template + ".txt", text_as_page, exact, patterns)


def test_a_leader_who_signs_up_in_korean_is_written_to_in_korean(client):
    client.get("/?lang=ko")
    apply(client)
    [message] = sent("accounts/confirm_email")
    assert_korean(
        message,
        "이메일 주소를 확인해 주세요",
        "지도자 계정을 신청해 주셔서 감사합니다.",
        "신청하신 적이 없다면 이 메일을 무시하셔도 됩니다.",
    )


def test_a_korean_leader_hears_of_the_review_in_korean(app):
    leader = make_leader(LeaderStatus.PENDING_REVIEW, name="김은혜")
    leader.locale = "ko"
    with app.test_request_context():
        leaders.transition(leader.leader_profile, LeaderStatus.VERIFIED, make_user(Role.REVIEWER))
        db.session.commit()
    [message] = sent("accounts/leader_approved")
    assert_korean(
        message,
        "지도자 계정이 인증되었습니다",
        "김은혜 님께,",
        "이제 제자 양육 사역을 위해 무료 북한 성경을 신청하실 수 있습니다.",
    )


def test_a_reply_to_a_korean_comment_is_announced_in_korean(app):
    story = make_story(title_ko="하나원의 성경")
    comment = make_comment(
        story, name="은혜", email="grace@example.org", notify_replies=True, locale="ko",
        status=CommentStatus.PENDING,
    )  # fmt: skip
    moderator = app.test_client()
    login(moderator, make_user(Role.MODERATOR, name="팀 목사"))
    url = f"/staff/comments/{comment.id}"
    submit(moderator, f"{url}/reply", {"body": "함께 기도하겠습니다."}, form_url=url)
    [message] = sent("comment_reply")
    assert_korean(
        message,
        "하나원의 성경에 남기신 댓글에 새 답글이 달렸습니다",
        "은혜 님, 안녕하세요.",
        '팀 목사 님(스태프)이 "하나원의 성경"에서 참여하신 대화에 답글을 달았습니다:',
    )


def test_subscribing_in_korean_sends_the_confirmation_in_korean(client):
    subscribe(client, "reader@example.org", language="ko", topics="prayer")
    [message] = sent("subscription_confirm")
    assert_korean(
        message,
        "구독을 확인해 주세요",
        "누군가(아마 본인) 이 주소로 탈북 새신자 맞이 프로젝트의 이메일을 받겠다고 요청했습니다:",
        "기도 소식",
    )


def test_each_step_of_a_bible_request_is_written_in_the_leaders_language(app):
    leader = make_leader(name="김지도")
    leader.locale = "ko"
    reviewer = make_user(Role.REVIEWER, locale="ko")
    req = make_request(RequestState.SHIPPED, leader=leader, reviewer=reviewer)
    [approved] = sent("bible_request/approved")
    assert_korean(
        approved,
        f"성경 신청(#{req.id})이 승인되었습니다",
        f"신청(#{req.id})이 승인되었습니다. 곧 북한 성경 5권을 보내 드리겠습니다.",
        "한국 순교자의 소리",
    )
    [shipped] = sent("bible_request/shipped")
    assert_korean(
        shipped,
        f"북한 성경을 보내 드렸습니다 (신청 #{req.id})",
        f"신청 #{req.id}의 북한 성경 5권을 보내 드렸습니다.",
        "택배사:",
    )
    # The reviewer who reads Korean was told of the new request in Korean too.
    [submitted] = sent("bible_request/submitted", to=reviewer.email)
    assert submitted.subject.startswith(f"{leader.leader_profile.organization}의 새 성경 신청")


def test_an_english_reader_still_gets_english(client):
    subscribe(client, "reader@example.org", language="en", topics="prayer")
    [message] = sent("subscription_confirm")
    assert message.subject == "Please confirm your subscription"
    assert '<html lang="en">' in message.body_html
