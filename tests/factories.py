"""Small factories: the rows a test needs, with sensible defaults, committed."""

from __future__ import annotations

import itertools
from datetime import datetime, timedelta

from app.accounts import services as accounts
from app.accounts.models import LeaderProfile, LeaderStatus, OrganizationType, User
from app.content import services as content
from app.content.models import PrayerRequest, Project, PublicationStatus, Story
from app.database import utcnow
from app.extensions import db
from app.security import Role

_seq = itertools.count(1)
PASSWORD = "correct horse battery staple"


def _published(item, published_at: datetime | None, status: PublicationStatus) -> None:
    item.status = status
    item.published_at = published_at or (utcnow() - timedelta(hours=next(_seq)))


def make_project(**fields) -> Project:
    n = next(_seq)
    project = Project(slug=fields.pop("slug", f"project-{n}"))
    content.set_text(
        project,
        title_en=fields.pop("title_en", f"Project {n}"),
        title_ko=fields.pop("title_ko", f"프로젝트 {n}"),
        summary_en=fields.pop("summary_en", "A project summary."),
        body_en=fields.pop("body_en", "Project **body**."),
        body_ko=fields.pop("body_ko", "프로젝트 본문."),
    )
    _published(
        project, fields.pop("published_at", None), fields.pop("status", PublicationStatus.PUBLISHED)
    )
    for key, value in fields.items():
        setattr(project, key, value)
    db.session.add(project)
    db.session.commit()
    return project


def make_story(**fields) -> Story:
    n = next(_seq)
    story = Story(slug=fields.pop("slug", f"story-{n}"))
    content.set_text(
        story,
        title_en=fields.pop("title_en", f"Story {n}"),
        title_ko=fields.pop("title_ko", f"이야기 {n}"),
        summary_en=fields.pop("summary_en", f"Summary of story {n}."),
        summary_ko=fields.pop("summary_ko", ""),
        body_en=fields.pop("body_en", f"Body of story {n} with *emphasis*."),
        body_ko=fields.pop("body_ko", f"이야기 {n} 본문."),
    )
    _published(
        story, fields.pop("published_at", None), fields.pop("status", PublicationStatus.PUBLISHED)
    )
    for key, value in fields.items():
        setattr(story, key, value)
    db.session.add(story)
    db.session.commit()
    return story


def make_prayer(**fields) -> PrayerRequest:
    n = next(_seq)
    prayer = PrayerRequest(slug=fields.pop("slug", f"prayer-{n}"))
    content.set_text(
        prayer,
        title_en=fields.pop("title_en", f"Pray for request {n}"),
        title_ko=fields.pop("title_ko", f"기도 제목 {n}"),
        summary_en=fields.pop("summary_en", f"Summary of prayer {n}."),
        body_en=fields.pop("body_en", f"Please pray for {n}."),
        body_ko=fields.pop("body_ko", f"{n}를 위해 기도해 주세요."),
        answer_note_en=fields.pop("answer_note_en", ""),
    )
    _published(
        prayer, fields.pop("published_at", None), fields.pop("status", PublicationStatus.PUBLISHED)
    )
    for key, value in fields.items():
        setattr(prayer, key, value)
    db.session.add(prayer)
    db.session.commit()
    return prayer


def make_user(
    *roles: Role | str, email: str | None = None, password: str = PASSWORD, **fields
) -> User:
    n = next(_seq)
    user = accounts.create_user(
        email or f"user{n}@example.org",
        password,
        name=fields.pop("name", f"User {n}"),
        roles=tuple(Role(r) for r in roles),
    )
    for key, value in fields.items():
        setattr(user, key, value)
    db.session.commit()
    return user


def make_leader(status: LeaderStatus = LeaderStatus.VERIFIED, **fields) -> User:
    """A ministry leader with a profile in `status` (verified for a year by default)."""
    user = make_user(Role.LEADER, **{k: fields.pop(k) for k in ("email", "name") if k in fields})
    now = utcnow()
    profile = LeaderProfile(
        user_id=user.id,
        organization=fields.pop("organization", "Hope Church NK Congregation"),
        organization_type=fields.pop("organization_type", OrganizationType.CHURCH),
        position=fields.pop("position", "Pastor of the NK congregation"),
        country=fields.pop("country", "South Korea"),
        city=fields.pop("city", "Seoul"),
        reference=fields.pop("reference", "https://hope-church.example.org"),
        ministry_description=fields.pop(
            "ministry_description", "We disciple 12 North Koreans weekly since 2019."
        ),
        nk_count=fields.pop("nk_count", 12),
        ministry_since=fields.pop("ministry_since", "2019"),
        meeting_frequency=fields.pop("meeting_frequency", "Weekly"),
        status=status,
        submitted_at=now,
        verified_at=now if status == LeaderStatus.VERIFIED else None,
        verification_expires_at=now + timedelta(days=365)
        if status == LeaderStatus.VERIFIED
        else None,
    )
    for key, value in fields.items():
        setattr(profile, key, value)
    db.session.add(profile)
    db.session.commit()
    return user
