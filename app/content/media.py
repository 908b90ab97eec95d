"""Story photos: uploaded through `app.images` (checked, metadata stripped, several widths for
`srcset`), described with alt text and a caption in both languages."""

from __future__ import annotations

from typing import IO, Any

from sqlalchemy import or_, select

from app.audit import record
from app.content.models import MediaImage, PrayerRequest, Project, Story
from app.extensions import db
from app.images import ImageRejected, store_public

DESCRIPTION_FIELDS = ("alt_en", "alt_ko", "caption_en", "caption_ko")

__all__ = ["ImageRejected", "image_usage", "update_image", "upload_image"]


def _label(image: MediaImage) -> str:
    return image.alt_en or image.alt_ko


def upload_image(stream: IO[bytes], description: dict[str, str], actor: Any) -> MediaImage:
    """Store a photo with its alt text and caption. Raises ImageRejected with a message."""
    if not (description.get("alt_en") or description.get("alt_ko")):
        raise ValueError("alt text is required")  # forms check first; this is the last line
    stored = store_public(stream)
    image = MediaImage(
        key=stored.key,
        width=stored.width,
        height=stored.height,
        files={str(width): name for width, name in stored.files.items()},
        content_type=stored.content_type,
        uploaded_by_id=actor.id,
        **{name: (description.get(name) or "").strip() for name in DESCRIPTION_FIELDS},
    )
    db.session.add(image)
    db.session.flush()
    record(
        "media.upload",
        image,
        actor=actor,
        note=_label(image),
        width=image.width,
        height=image.height,
        sizes=sorted(stored.files),
    )
    return image


def update_image(image: MediaImage, description: dict[str, str], actor: Any) -> list[str]:
    """Change alt text and captions; returns the fields that changed."""
    changed = []
    for name in DESCRIPTION_FIELDS:
        value = (description.get(name) or "").strip()
        if name in description and getattr(image, name) != value:
            setattr(image, name, value)
            changed.append(name)
    if changed:
        db.session.flush()
        record("media.update", image, actor=actor, note=_label(image), fields=changed)
    return changed


def image_usage(image: MediaImage) -> list[Any]:
    """Stories showing the photo as their hero, and items whose text embeds it."""
    used: list[Any] = list(db.session.scalars(select(Story).where(Story.hero_image_id == image.id)))
    pattern = f"%/media/{image.key}-%"
    for model in (Story, Project, PrayerRequest):
        query = select(model).where(or_(model.body_en.like(pattern), model.body_ko.like(pattern)))
        used += [item for item in db.session.scalars(query) if item not in used]
    return used
