"""What the staff dashboard shows about email: subscribers per topic, failed and paused sends."""

from __future__ import annotations

from flask import url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from app.extensions import db
from app.mail.services import failed_count
from app.security import Role
from app.staff.activity import register_action_labels, register_object_type_labels
from app.staff.dashboard import Attention, Panel, attention_provider, register_panel
from app.subscriptions import staff
from app.subscriptions.models import TOPIC_LABELS, PrayerUpdate, SubscriberStatus, UpdateStatus


@attention_provider
def email_attention() -> list[Attention]:
    items = []
    failed = failed_count()
    if failed:
        items.append(
            Attention(
                _("Failed emails"), failed, url_for("staff.mail.failed"), (Role.ADMIN,), "danger"
            )
        )
    paused = db.session.scalar(
        select(func.count())
        .select_from(PrayerUpdate)
        .where(PrayerUpdate.status == UpdateStatus.PAUSED)
    )
    if paused:
        items.append(
            Attention(
                _("Paused prayer updates"),
                paused,
                url_for("staff.updates.index"),
                (Role.EDITOR, Role.ADMIN),
                "warning",
            )
        )
    return items


def subscribers_panel() -> dict:
    per_topic = staff.confirmed_per_topic()
    return {
        "per_topic": [(TOPIC_LABELS[topic], count) for topic, count in per_topic.items()],
        "pending": staff.status_counts()[SubscriberStatus.PENDING],
    }


register_panel(
    Panel(
        template="staff/subscribers/_panel.html",
        context=subscribers_panel,
        roles=(Role.EDITOR, Role.ADMIN),
        order=40,
    )
)


register_action_labels(
    {
        "subscribers.add": _l("Added a subscriber"),
        "subscribers.remove": _l("Removed a subscriber"),
        "subscribers.erase": _l("A subscriber erased their data"),
        "subscribers.export": _l("Exported subscribers"),
        "updates.create": _l("Wrote a prayer update"),
        "updates.edit": _l("Edited a prayer update"),
        "updates.delete": _l("Deleted a prayer update"),
        "updates.test": _l("Sent a test of a prayer update"),
        "updates.draft": _l("Cancelled the schedule"),
        "updates.scheduled": _l("Scheduled a prayer update"),
        "updates.sending": _l("Started sending a prayer update"),
        "updates.paused": _l("Paused a prayer update"),
        "updates.sent": _l("Finished sending a prayer update"),
        "updates.cancelled": _l("Cancelled the rest of a prayer update"),
    }
)
register_object_type_labels({"Subscriber": _l("Subscriber"), "PrayerUpdate": _l("Prayer update")})
