"""Demo accounts for a local site, made only by `flask demo load` (never in production).

A verified ministry leader and an admin whose two-factor is already set up, so a newcomer
running `make run` can sign in to both areas. Passwords are random and printed once, when the
accounts are created; `flask demo totp EMAIL` prints the admin's current code.
"""

from __future__ import annotations

import secrets
from datetime import timedelta

from flask import current_app

from app.accounts import services, totp
from app.accounts.models import LeaderEvent, LeaderProfile, LeaderStatus, OrganizationType
from app.audit import record
from app.database import utcnow
from app.extensions import db
from app.i18n import N_
from app.security import Role
from app.settings import get_setting

DEMO_LEADER = "demo-leader@example.org"
DEMO_ADMIN = "demo-admin@example.org"


def _password() -> str:
    return "-".join(secrets.token_urlsafe(6) for _ in range(3))


def load_demo_accounts() -> list[str]:
    """Create the demo leader and admin unless they exist. Returns lines to print."""
    if current_app.config["ENV_NAME"] == "production":
        return ["Skipped demo accounts: APP_ENV is production."]
    lines = []
    now = utcnow()

    if services.find_by_email(DEMO_LEADER) is None:
        password = _password()
        leader = services.create_user(
            DEMO_LEADER, password, name="Demo Leader", roles=(Role.LEADER,)
        )
        leader.is_demo = True
        leader.email_confirmed_at = now
        profile = LeaderProfile(
            user=leader,
            organization="Demo Church, NK congregation",
            organization_type=OrganizationType.CHURCH,
            position="Pastor of the NK congregation",
            country="South Korea",
            city="Seoul",
            reference="https://church.example.org (demo)",
            ministry_description=(
                "A weekly Bible study and Sunday worship with North Korean newcomers (demo)."
            ),
            nk_count=12,
            ministry_since="2019",
            meeting_frequency="Every Sunday and Wednesday",
            status=LeaderStatus.VERIFIED,
            stipulations_accepted_at=now,
            submitted_at=now,
            verified_at=now,
            verification_expires_at=now
            + timedelta(days=int(get_setting("leader_verification_days"))),
        )
        db.session.add(profile)
        db.session.add(
            LeaderEvent(
                profile=profile,
                to_status=LeaderStatus.VERIFIED,
                internal_note=N_("Demo account created by flask demo load."),
            )
        )
        db.session.flush()
        record("users.create", leader, note=N_("flask demo load"), demo=True)
        lines.append(f"Created: demo leader {DEMO_LEADER} with password {password}")
    else:
        lines.append(f"Already there: demo leader {DEMO_LEADER}")

    if services.find_by_email(DEMO_ADMIN) is None:
        password = _password()
        admin = services.create_user(DEMO_ADMIN, password, name="Demo Admin", roles=(Role.ADMIN,))
        admin.is_demo = True
        admin.email_confirmed_at = now
        admin.totp_secret = totp.new_secret()
        db.session.flush()
        record("users.create", admin, note=N_("flask demo load"), demo=True, security=True)
        lines.append(f"Created: demo admin {DEMO_ADMIN} with password {password}")
        lines.append(f"  two-factor secret (add it to an authenticator app): {admin.totp_secret}")
        lines.append(f"  or print the current code: flask --app wsgi demo totp {DEMO_ADMIN}")
    else:
        lines.append(f"Already there: demo admin {DEMO_ADMIN}")
    return lines
