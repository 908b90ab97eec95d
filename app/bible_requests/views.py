"""Leaders' pages under /requests: eligibility, the request, its progress, cards and proof.

The check and the form need a verified leader; the pages of one request need its owner (a
per-object loader answers 404 for anyone else's request or photo). Photos are also served
to reviewers who completed two-factor.
"""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user

from app import images
from app.bible_requests import eligibility, labels, reports, services, workflow
from app.bible_requests.errors import RequestError
from app.bible_requests.forms import (
    MAX_PHOTOS,
    PLAN_MIN_CHARS,
    EligibilityForm,
    RequestForm,
    VerificationForm,
)
from app.bible_requests.models import (
    AWAITING_PROOF,
    BEFORE_SHIPPING,
    BibleRequest,
    RequestState,
    VerificationPhoto,
)
from app.extensions import db
from app.forms import EmptyForm
from app.security import Role, has_role, leader_required, login_required, mfa_complete
from app.settings import get_setting, localized_setting
from app.workflow import TransitionRefused

bp = Blueprint("requests", __name__, url_prefix="/requests")

CARD_STATES = frozenset(
    {
        RequestState.APPROVED,
        RequestState.SHIPPED,
        RequestState.RECEIVED,
        RequestState.VERIFICATION_SUBMITTED,
        RequestState.VERIFICATION_RETURNED,
        RequestState.VERIFIED,
    }
)
MAX_CARDS = 200
MB = 1024 * 1024


def own_request(request_id: int) -> BibleRequest:
    """The signed-in leader's own request, or 404 (never reveal that another one exists)."""
    req = db.session.get(BibleRequest, request_id)
    if req is None or req.leader_id != current_user.id:
        abort(404)
    return req


@bp.app_template_global("current_bible_request")
def current_bible_request(user) -> BibleRequest | None:
    """For the account home's panel: the leader's open request, else the latest."""
    if not getattr(user, "is_authenticated", False) or not has_role(user, Role.LEADER):
        return None
    return services.current_request_for(user)


@bp.app_template_global("bibles_given_total")
def bibles_given_total() -> int:
    return reports.bibles_given_total()


@bp.record_once
def _template_helpers(state) -> None:
    state.app.jinja_env.globals.update(
        request_state_label=labels.state_label,
        request_state_tone=labels.state_tone,
        request_action_label=labels.action_label,
        request_event_label=labels.event_label,
        stock_kind_label=labels.stock_kind_label,
        verification_outcome_label=labels.outcome_label,
        defector_state_label=labels.defector_state_label,
    )


def _one_at_a_time(open_req: BibleRequest):
    return render_template("bible_requests/one_at_a_time.html", req=open_req)


@bp.get("/")
@leader_required
def index():
    """The leader's requests, the current one first."""
    return render_template(
        "bible_requests/index.html",
        requests=services.requests_of(current_user),
        open_req=services.open_request_for(current_user),
    )


@bp.route("/eligibility", methods=["GET", "POST"])
@leader_required(verified=True)
def check():
    """Before the form: is this request one the ministry can give free Bibles for?"""
    open_req = services.open_request_for(current_user)
    if open_req is not None:
        return _one_at_a_time(open_req)
    form = EligibilityForm()
    if form.validate_on_submit():
        answers = {q.name: form[q.name].data for q in eligibility.QUESTIONS}
        reasons = eligibility.reasons_for(answers)
        if reasons:
            eligibility.forget_pass()
            return redirect(url_for(".not_eligible", reason=reasons))
        eligibility.remember_pass(answers)
        return redirect(url_for(".new"))
    return render_template("bible_requests/eligibility.html", form=form)


@bp.get("/not-eligible")
@leader_required
def not_eligible():
    """Why the ministry cannot give free Bibles for this, kindly, and how to buy them."""
    keys = [key for key in request.args.getlist("reason") if key in eligibility.REASONS]
    if not keys:
        return redirect(url_for(".check"))
    return render_template(
        "bible_requests/not_eligible.html",
        reasons=[eligibility.REASONS[key] for key in dict.fromkeys(keys)],
        purchase_url=get_setting("purchase_url"),
    )


def _prefill(form: RequestForm) -> None:
    profile = current_user.leader_profile
    if profile is not None:
        form.nk_in_discipleship.data = profile.nk_count
        form.ship_to.data = profile.organization
        form.ship_country.data = profile.country


@bp.route("/new", methods=["GET", "POST"])
@leader_required(verified=True)
def new():
    """The request form (after the eligibility check)."""
    open_req = services.open_request_for(current_user)
    if open_req is not None:
        return _one_at_a_time(open_req)
    answers = eligibility.passed_answers()
    if answers is None:
        flash(_("Please answer these questions first."), "info")
        return redirect(url_for(".check"))
    form = RequestForm()
    if request.method == "GET":
        _prefill(form)
    if form.validate_on_submit():
        values = {**form.data, "quantity_requested": form.quantity.data}
        try:
            req = services.submit_request(current_user, values, answers)
        except RequestError as refused:
            db.session.rollback()
            flash(refused.message, "error")
            return redirect(url_for(".index"))
        db.session.commit()
        eligibility.forget_pass()
        flash(_("Thank you. Your request is sent; we will email you when it is reviewed."))
        return redirect(url_for(".detail", request_id=req.id))
    return render_template("bible_requests/form.html", form=form, plan_min=PLAN_MIN_CHARS, req=None)


@bp.get("/<int:request_id>")
@leader_required
def detail(request_id: int):
    """One request: where it stands, what to do next, and its history."""
    req = own_request(request_id)
    return render_template(
        "bible_requests/detail.html",
        req=req,
        button=EmptyForm(),
        may_cancel=req.state in BEFORE_SHIPPING,
        card_states=CARD_STATES,
        awaiting_proof=AWAITING_PROOF,
    )


@bp.route("/<int:request_id>/edit", methods=["GET", "POST"])
@leader_required
def edit(request_id: int):
    """Change a request a reviewer asked changes for, and send it again."""
    req = own_request(request_id)
    if req.state != RequestState.CHANGES_REQUESTED:
        flash(_("This request cannot be changed now."), "info")
        return redirect(url_for(".detail", request_id=req.id))
    form = RequestForm(obj=req)
    if request.method == "GET":
        form.quantity.data = req.quantity_requested
    if form.validate_on_submit():
        values = {**form.data, "quantity_requested": form.quantity.data}
        try:
            services.resubmit(req, current_user, values)
        except (RequestError, TransitionRefused):
            db.session.rollback()
            flash(_("This request cannot be changed now."), "error")
            return redirect(url_for(".detail", request_id=request_id))
        db.session.commit()
        flash(_("Thank you. Your updated request is sent."))
        return redirect(url_for(".detail", request_id=req.id))
    return render_template("bible_requests/form.html", form=form, plan_min=PLAN_MIN_CHARS, req=req)


def _leader_step(request_id: int, to: RequestState, done: str):
    req = own_request(request_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        workflow.transition(req, to, current_user, (request.form.get("note") or "")[:2000])
    except (TransitionRefused, workflow.ActorRefused, RequestError):
        db.session.rollback()
        flash(_("That is not possible for this request now."), "error")
        return redirect(url_for(".detail", request_id=request_id))
    db.session.commit()
    flash(done)
    return redirect(url_for(".detail", request_id=request_id))


@bp.post("/<int:request_id>/cancel")
@leader_required
def cancel(request_id: int):
    """Withdraw a request before it is shipped."""
    return _leader_step(request_id, RequestState.CANCELLED, _("Your request is cancelled."))


@bp.post("/<int:request_id>/received")
@leader_required
def received(request_id: int):
    """Confirm that the Bibles arrived."""
    return _leader_step(
        request_id, RequestState.RECEIVED, _("Thank you for confirming that the Bibles arrived.")
    )


@bp.route("/<int:request_id>/verification", methods=["GET", "POST"])
@leader_required
def verification(request_id: int):
    """Send proof that all the Bibles were given out: photos, the number and the dates."""
    req = own_request(request_id)
    if req.state not in AWAITING_PROOF:
        flash(_("Proof cannot be sent for this request now."), "info")
        return redirect(url_for(".detail", request_id=req.id))
    form = VerificationForm(shipped_quantity=req.quantity)
    if request.method == "GET":
        form.bibles_given.data = req.quantity
    if form.validate_on_submit():
        try:
            verification = services.submit_verification(
                req, current_user, form.data, form.uploaded_files()
            )
        except RequestError as refused:
            db.session.rollback()
            form.photos.errors = [*form.photos.errors, refused.message]
        else:
            try:
                db.session.commit()
            except Exception:
                db.session.rollback()
                images.delete_files("private", services.stored_names(verification))
                raise
            flash(_("Thank you. We will look at your proof soon."))
            return redirect(url_for(".detail", request_id=req.id))
    return render_template(
        "bible_requests/verification.html",
        req=req,
        form=form,
        max_photos=MAX_PHOTOS,
        image_mb=images.MAX_BYTES // MB,
        total_mb=(current_app.config["MAX_CONTENT_LENGTH"] or 0) // MB,
    )


@bp.get("/<int:request_id>/cards")
@leader_required
def cards(request_id: int):
    """Printable cards, one to give with each Bible (several per A4 sheet)."""
    req = own_request(request_id)
    if req.state not in CARD_STATES:
        flash(_("Cards can be printed once the request is approved."), "info")
        return redirect(url_for(".detail", request_id=req.id))
    count = min(request.args.get("count", req.quantity, type=int) or req.quantity, MAX_CARDS)
    return render_template(
        "bible_requests/cards.html",
        req=req,
        count=max(count, 1),
        # The contact details in the language the leader prints in (their recipients' usually).
        contact_details=localized_setting("contact_details"),
        ministry_name=get_setting("ministry_name"),
        ministry_name_ko=get_setting("ministry_name_ko"),
    )


@bp.get("/<int:request_id>/photos/<int:photo_id>")
@login_required
def photo(request_id: int, photo_id: int):
    """A verification photo, for the leader who sent it and for reviewers only."""
    item = db.session.get(VerificationPhoto, photo_id)
    if item is None or item.request_id != request_id:
        abort(404)
    owner = db.session.get(BibleRequest, request_id)
    is_owner = owner is not None and owner.leader_id == current_user.id
    is_reviewer = has_role(current_user, Role.REVIEWER) and mfa_complete()
    if not (is_owner or is_reviewer):
        abort(404)
    try:
        path = images.path_of("private", item.file_name)
    except FileNotFoundError:
        abort(404)
    if not path.is_file():
        abort(404)
    response = send_file(
        path,
        mimetype=item.content_type,
        as_attachment=False,
        download_name=f"request-{request_id}-photo-{photo_id}{path.suffix}",
        max_age=0,
        conditional=False,
        etag=False,
    )
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
