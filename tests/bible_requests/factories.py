"""Bible request factories: requests brought to any state through the real workflow."""

from __future__ import annotations

import io
import threading
from datetime import timedelta

from PIL import Image
from werkzeug.datastructures import FileStorage

from app.accounts.models import User
from app.bible_requests import decline_texts, inventory, services
from app.bible_requests.models import BibleRequest, RequestState
from app.bible_requests.workflow import transition
from app.database import utcnow
from app.extensions import db
from app.security import Role
from tests.factories import make_leader, make_user

S = RequestState

PLAN = (
    "We meet every Sunday afternoon and Wednesday evening with the North Koreans of our "
    "congregation. Each of them will receive a Bible at the start of our new study of the "
    "Gospel of Mark, which we read together chapter by chapter for the next three months."
)

# The steps that bring a new request to each state (reviewer steps and leader steps).
PATHS: dict[RequestState, tuple[RequestState, ...]] = {
    S.SUBMITTED: (),
    S.CHANGES_REQUESTED: (S.CHANGES_REQUESTED,),
    S.APPROVED: (S.APPROVED,),
    S.DECLINED: (S.DECLINED,),
    S.CANCELLED: (S.CANCELLED,),
    S.SHIPPED: (S.APPROVED, S.SHIPPED),
    S.RECEIVED: (S.APPROVED, S.SHIPPED, S.RECEIVED),
    S.VERIFICATION_SUBMITTED: (S.APPROVED, S.SHIPPED, S.RECEIVED, S.VERIFICATION_SUBMITTED),
    S.VERIFIED: (S.APPROVED, S.SHIPPED, S.RECEIVED, S.VERIFICATION_SUBMITTED, S.VERIFIED),
    S.VERIFICATION_RETURNED: (
        S.APPROVED, S.SHIPPED, S.RECEIVED, S.VERIFICATION_SUBMITTED, S.VERIFICATION_RETURNED,
    ),
}  # fmt: skip


def request_values(**overrides) -> dict:
    values = {
        "quantity_requested": 5,
        "nk_in_discipleship": 8,
        "plan": PLAN,
        "handout_date": utcnow().date() + timedelta(days=14),
        "ship_to": "Hope Church NK Congregation",
        "ship_address": "12 Hope-ro, Guro-gu, Seoul",
        "ship_postal_code": "08300",
        "ship_country": "South Korea",
        "ship_phone": "",
    }
    values.update(overrides)
    return values


ELIGIBLE = {
    "role": "church",
    "ministry": "existing",
    "work": "discipleship",
    "purpose": "discipleship",
    "timing": "now",
}


def png_bytes(size=(64, 48), color=(30, 90, 160)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, "PNG")
    return out.getvalue()


def upload(data: bytes | None = None, name: str = "photo.png") -> FileStorage:
    return FileStorage(io.BytesIO(data or png_bytes()), filename=name)


def add_stock(quantity: int = 100, actor: User | None = None) -> None:
    inventory.record_received(quantity, actor or make_user(Role.REVIEWER), "delivery")
    db.session.commit()


def step(req: BibleRequest, to: RequestState, reviewer: User, **details) -> None:
    """Take one step as the right person would."""
    leader = req.leader
    if to == S.CHANGES_REQUESTED:
        transition(req, to, reviewer, "Please say more about how often you meet.")
    elif to == S.APPROVED:
        transition(req, to, reviewer, "", quantity=details.get("quantity", req.quantity_requested))
    elif to == S.DECLINED:
        template = decline_texts.active_templates()[0]
        transition(req, to, reviewer, "", template=template)
    elif to == S.SHIPPED:
        transition(req, to, reviewer, "", carrier="CJ Logistics", tracking_number="123-456")
    elif to == S.RECEIVED:
        transition(req, to, leader, "")
    elif to == S.VERIFICATION_SUBMITTED:
        today = utcnow().date()
        services.submit_verification(
            req,
            leader,
            {"bibles_given": req.quantity, "given_from": today, "given_until": today},
            [upload()],
        )
    elif to == S.VERIFIED:
        transition(req, to, reviewer, "Thank you!")
    elif to == S.VERIFICATION_RETURNED:
        transition(req, to, reviewer, "The photo is too dark; please send another.")
    elif to == S.CANCELLED:
        transition(req, to, leader, "")
    elif to == S.SUBMITTED:
        services.resubmit(req, leader, request_values(quantity_requested=req.quantity_requested))
    db.session.commit()


def make_request(
    state: RequestState = S.SUBMITTED,
    *,
    leader: User | None = None,
    reviewer: User | None = None,
    stock: int = 100,
    **values,
) -> BibleRequest:
    """A request by `leader` (a new verified leader by default) walked to `state`."""
    leader = leader or make_leader()
    reviewer = reviewer or make_user(Role.REVIEWER)
    if stock:
        add_stock(stock, reviewer)
    req = services.submit_request(leader, request_values(**values), ELIGIBLE)
    db.session.commit()
    for to in PATHS[state]:
        step(req, to, reviewer)
    assert req.state == state
    return req


def race(app, *steps) -> list[str]:
    """Run each step at the same moment in its own thread and database session.

    A step is a function run inside an app context; it returns an outcome, or raises (the
    exception's class name is the outcome). The outcomes come back in order.
    """
    barrier = threading.Barrier(len(steps))
    outcomes: list[str] = ["not run"] * len(steps)

    def run(index: int, step_function) -> None:
        with app.app_context():
            try:
                barrier.wait(timeout=10)
                outcomes[index] = step_function()
                db.session.commit()
            except Exception as error:
                db.session.rollback()
                outcomes[index] = type(error).__name__
            finally:
                db.session.remove()

    db.session.remove()  # the test's own session holds nothing while the threads run
    threads = [threading.Thread(target=run, args=pair) for pair in enumerate(steps)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return outcomes
