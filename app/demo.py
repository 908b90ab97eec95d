"""`flask demo load`: the seed page as demo content. Idempotent: what exists is left alone."""

from __future__ import annotations

import io
from datetime import datetime, timedelta

from PIL import Image, ImageDraw, ImageFilter
from sqlalchemy import select

from app import images
from app.accounts.demo import load_demo_accounts
from app.comments.housekeeping import import_comment
from app.content import services
from app.content.models import MediaImage, PrayerRequest, Project, Story
from app.demo_content import COMMENTS, PRAYER_REQUESTS, PROJECT, STORY
from app.extensions import db

TEXT_FIELDS = ("title_en", "title_ko", "summary_en", "summary_ko", "body_en", "body_ko")


def _when(text: str) -> datetime:
    # Seed times are Korea time (UTC+9); stored as naive UTC.
    return datetime.strptime(text, "%Y-%m-%d %H:%M") - timedelta(hours=9)


def placeholder_photo() -> bytes:
    """Our own illustration for the seed's photo "Mr. P receives an NK Bible"."""
    width, height = 1600, 1067
    image = Image.new("RGB", (width, height), "#e9dfcf")
    draw = ImageDraw.Draw(image)
    for y in range(height):  # warm window light from the top
        shade = int(233 - 40 * y / height)
        draw.line([(0, y), (width, y)], fill=(shade, shade - 12, shade - 32))
    glow = Image.new("L", (width, height), 0)
    ImageDraw.Draw(glow).ellipse((380, 120, 1220, 960), fill=120)
    image.paste((250, 240, 220), mask=glow.filter(ImageFilter.GaussianBlur(120)))
    draw = ImageDraw.Draw(image)
    # Two hands, then the Bible they hold out.
    skin, shadow = (214, 170, 138), (188, 143, 112)
    draw.rounded_rectangle((430, 600, 800, 760), radius=80, fill=shadow)
    draw.rounded_rectangle((800, 600, 1170, 760), radius=80, fill=skin)
    draw.rounded_rectangle((560, 300, 1040, 700), radius=24, fill=(92, 30, 28))
    draw.rounded_rectangle((580, 318, 1020, 682), radius=18, outline=(201, 162, 82), width=6)
    draw.rectangle((790, 380, 810, 620), fill=(201, 162, 82))
    draw.rectangle((720, 440, 880, 460), fill=(201, 162, 82))
    draw.rectangle((1040, 320, 1060, 690), fill=(240, 233, 214))
    for x, y in ((460, 640), (520, 650), (1080, 640), (1140, 650)):
        draw.ellipse((x - 40, y - 70, x + 40, y + 30), fill=skin)
    out = io.BytesIO()
    image.save(out, "JPEG", quality=90)
    return out.getvalue()


def _ensure(model, data: dict, **extra):
    """Create the item unless one with its slug exists. Returns (item, created)."""
    item = db.session.scalar(select(model).where(model.slug == data["slug"]))
    if item is not None:
        return item, False
    item = model(slug=data["slug"], **extra)
    services.set_text(item, **{f: data[f] for f in TEXT_FIELDS})
    services.publish(item, _when(data["published_at"]))
    db.session.add(item)
    db.session.flush()
    return item, True


def load_demo() -> list[str]:
    """Create the seed's project, story and prayer requests. Returns lines to print."""
    report = []
    project, created = _ensure(Project, PROJECT)
    report.append(
        f"{'Created' if created else 'Already there'}: project {project.t('title', 'en')}"
    )

    story = db.session.scalar(select(Story).where(Story.slug == STORY["slug"]))
    if story is None:
        stored = images.store_public(io.BytesIO(placeholder_photo()))
        photo = MediaImage(
            key=stored.key,
            width=stored.width,
            height=stored.height,
            files={str(w): name for w, name in stored.files.items()},
            content_type=stored.content_type,
            alt_en=STORY["image_alt_en"],
            alt_ko=STORY["image_alt_ko"],
            caption_en=STORY["image_caption_en"],
            caption_ko=STORY["image_caption_ko"],
        )
        db.session.add(photo)
        story, _ = _ensure(Story, STORY, project=project, hero_image=photo)
        report.append(f"Created: story {story.title_en}")
    else:
        report.append(f"Already there: story {story.title_en}")

    for data in PRAYER_REQUESTS:
        prayer, created = _ensure(PrayerRequest, data, project=project)
        report.append(f"{'Created' if created else 'Already there'}: prayer request {prayer.slug}")
    report.append(load_demo_comments(project))
    report.extend(load_demo_accounts())
    return report


def load_demo_comments(project: Project) -> str:
    """The seed's comments on the project page, approved, with their dates; once each."""
    created: dict[str, object] = {}
    added = 0
    for data in COMMENTS:
        comment, new = import_comment(
            project,
            name=data["name"],
            email=f"{services.slugify(data['name'])}@example.invalid",
            body=data["body"],
            created_at=_when(data["at"]),
            by_staff=data.get("staff", False),
            parent=created.get(data.get("reply_to", "")),
        )
        created[data["name"]] = comment
        added += new
    if added:
        return f"Created: {added} comments on project {project.t('title', 'en')}"
    return f"Already there: comments on project {project.t('title', 'en')}"
