"""Reasons for declining, seeded in the ministry's own reasoning and edited by reviewers.

The defaults are written into the table the first time anyone needs them; from then on the
table is the truth (reviewers edit, add and retire reasons; nothing is ever deleted).
"""

from __future__ import annotations

from sqlalchemy import func, select

from app.audit import record
from app.bible_requests.models import DeclineTemplate
from app.extensions import db

DEFAULTS: tuple[dict, ...] = (
    {
        "key": "personal",
        "title_en": "Not a leader of an existing NK ministry",
        "title_ko": "기존 탈북민 사역의 지도자가 아님",
        "body_en": "Thank you for your request. We provide free NK Bibles only to people serving in official leadership positions in an existing NK ministry: at their church's NK congregation, as a missionary appointed to serve North Koreans, or as a leader at a Christian NGO. We cannot provide free Bibles for personal outreach or to give to a North Korean friend. You are welcome to buy NK Bibles from us and give them yourself.",
        "body_ko": "요청해 주셔서 감사합니다. 저희는 기존 탈북민 사역에서 공식적인 지도자 직분으로 섬기는 분들(교회 탈북민 공동체의 지도자, 탈북민을 섬기도록 파송된 선교사, 기독교 NGO의 지도자)에게만 북한 성경을 무료로 제공합니다. 개인적인 전도나 탈북민 친구에게 주기 위한 용도로는 무료 성경을 드릴 수 없습니다. 저희에게서 북한 성경을 구입하셔서 직접 전해 주시기 바랍니다.",
    },
    {
        "key": "not-started",
        "title_en": "The ministry has not started yet",
        "title_ko": "사역이 아직 시작되지 않음",
        "body_en": "Thank you for your heart for North Koreans. We provide free NK Bibles to existing NK ministries that are already discipling North Koreans, not to ministries that are still being started. When your ministry meets and disciples North Koreans, you are welcome to ask again. Until then, you can buy NK Bibles from us.",
        "body_ko": "탈북민을 향한 마음에 감사드립니다. 저희는 이미 탈북민을 제자 양육하고 있는 기존 사역에 북한 성경을 무료로 제공하며, 아직 시작을 준비 중인 사역에는 제공하지 않습니다. 사역이 시작되어 탈북민을 제자 양육하게 되면 다시 요청해 주십시오. 그때까지는 저희에게서 북한 성경을 구입하실 수 있습니다.",
    },
    {
        "key": "not-discipleship",
        "title_en": "The work is not primarily discipleship",
        "title_ko": "주된 사역이 제자 양육이 아님",
        "body_en": "We provide free NK Bibles as tools for discipleship, to ministries whose work with North Koreans is primarily Christian discipleship. As your ministry's main work is different, we cannot provide free Bibles. You are welcome to buy NK Bibles from us and give them as a gift from your organization.",
        "body_ko": "저희는 탈북민과 함께하는 일이 주로 기독교 제자 양육인 사역에 제자 양육 도구로서 북한 성경을 무료로 제공합니다. 귀 사역의 주된 일은 이와 달라 무료 성경을 드릴 수 없습니다. 저희에게서 북한 성경을 구입하셔서 귀 단체의 선물로 전해 주실 수 있습니다.",
    },
    {
        "key": "event",
        "title_en": "For an event, party or gift bag",
        "title_ko": "행사, 파티, 선물 꾸러미용",
        "body_en": "We consider NK Bibles genuine discipleship tools, not souvenirs, so we do not provide free Bibles for special events, parties or gift bags. If you would like to give Bibles at an event, please buy them from us and give them as an actual gift from your church.",
        "body_ko": "저희는 북한 성경을 기념품이 아닌 참된 제자 양육 도구로 여기기 때문에 특별 행사, 파티, 선물 꾸러미를 위한 무료 성경은 제공하지 않습니다. 행사에서 성경을 나누고 싶으시면 저희에게서 구입하셔서 교회의 실제 선물로 전해 주십시오.",
    },
    {
        "key": "gift",
        "title_en": "To give as the church's own gift",
        "title_ko": "교회의 선물로 주려는 경우",
        "body_en": "If a church wants to give Bibles to North Koreans as gifts, it should purchase them from us and give them as its own gift. We give free Bibles only for use in an ongoing discipleship relationship, presented as provided free of charge by VOM Korea.",
        "body_ko": "교회가 탈북민에게 성경을 선물하려는 경우에는 저희에게서 구입하셔서 교회의 선물로 전해 주셔야 합니다. 무료 성경은 지속적인 제자 양육 관계 안에서 사용하시고, 한국 순교자의 소리가 무료로 제공한 것임을 밝히실 때에만 드립니다.",
    },
    {
        "key": "storing",
        "title_en": "More than can be given now",
        "title_ko": "지금 나눌 수 있는 것보다 많음",
        "body_en": "We provide only what a ministry can give at the present time, and ask for proof that all the Bibles were given out shortly after they arrived. We cannot provide Bibles to be stored for later use. When you can give them out right away, you are welcome to ask for that number.",
        "body_ko": "저희는 사역이 지금 바로 나눌 수 있는 수량만 제공하며, 받은 후 곧 모든 성경을 나누었다는 확인을 요청드립니다. 나중에 사용하기 위해 보관할 성경은 제공할 수 없습니다. 바로 나누실 수 있을 때 그 수량만큼 다시 요청해 주십시오.",
    },
    {
        "key": "no-plan",
        "title_en": "No plan for ongoing discipleship",
        "title_ko": "지속적인 제자 양육 계획이 없음",
        "body_en": "We give free Bibles when a qualified ministry tells us how it will use them in an ongoing discipleship process. Your request does not show such a plan, so we cannot provide free Bibles this time.",
        "body_ko": "저희는 자격을 갖춘 사역이 지속적인 제자 양육 과정에서 성경을 어떻게 사용할지 알려 주실 때 무료 성경을 제공합니다. 이번 요청에는 그러한 계획이 보이지 않아 무료 성경을 드릴 수 없습니다.",
    },
)  # fmt: skip


def ensure_defaults() -> bool:
    """Write the default reasons once, when the table has never held any; True if it did
    (the caller then commits, so that ids shown on a page stay valid)."""
    if db.session.scalar(select(func.count()).select_from(DeclineTemplate)):
        return False
    for position, values in enumerate(DEFAULTS):
        db.session.add(DeclineTemplate(position=position, **values))
    db.session.flush()
    return True


def all_templates() -> list[DeclineTemplate]:
    ensure_defaults()
    return list(
        db.session.scalars(
            select(DeclineTemplate).order_by(DeclineTemplate.position, DeclineTemplate.id)
        )
    )


def active_templates() -> list[DeclineTemplate]:
    return [t for t in all_templates() if t.active]


def save_template(template: DeclineTemplate, values: dict, actor) -> DeclineTemplate:
    """Create or edit a reason; the caller commits."""
    is_new = template.id is None
    for name, value in values.items():
        setattr(template, name, value.strip() if isinstance(value, str) else value)
    template.updated_by_id = actor.id
    db.session.add(template)
    db.session.flush()
    record(
        "bible_decline_template.create" if is_new else "bible_decline_template.update",
        template,
        actor=actor,
        key=template.key,
    )
    return template
