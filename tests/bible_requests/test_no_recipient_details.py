"""The ministry does not want Bible recipients' names or contact details: no form asks."""

from __future__ import annotations

import re

from flask_wtf import FlaskForm
from wtforms import BooleanField, FileField, HiddenField, RadioField, SelectField

import app.bible_requests.forms
import app.bible_requests.staff_forms  # noqa: F401
from app.bible_requests.models import RequestState
from tests.bible_requests.factories import ELIGIBLE, make_request
from tests.factories import make_leader
from tests.helpers import login, soup, submit

# Words that would mean a field is about the people who receive the Bibles.
RECIPIENT = re.compile(r"recipient|receiver|given to|수령|받는 (분|사람)|받으실 분", re.IGNORECASE)
# Fields that cannot hold a name or contact (ticks, choices, files, hidden values).
NOT_TEXT = (BooleanField, RadioField, SelectField, FileField, HiddenField)


def all_form_classes(base=FlaskForm):
    for cls in base.__subclasses__():
        yield cls
        yield from all_form_classes(cls)


def text_fields(form_class):
    for name, unbound in vars(form_class).items():
        field_class = getattr(unbound, "field_class", None)
        if field_class is None or issubclass(field_class, NOT_TEXT):
            continue
        label = str(unbound.args[0] if unbound.args else unbound.kwargs.get("label", name))
        yield name, label


def test_no_form_in_the_app_has_a_text_field_about_recipients(app):
    checked = 0
    for form_class in all_form_classes():
        for name, label in text_fields(form_class):
            checked += 1
            assert not RECIPIENT.search(name), (form_class.__name__, name)
            assert not RECIPIENT.search(label), (form_class.__name__, name, label)
    assert checked >= 20  # the request, verification, defector and staff forms were seen


def test_the_leader_s_forms_as_rendered_ask_nothing_about_recipients(client):
    leader = make_leader()
    login(client, leader)
    submit(client, "/requests/eligibility", ELIGIBLE)
    pages = [soup(client.get("/requests/new"))]
    req = make_request(RequestState.RECEIVED, leader=make_leader())
    login(client, req.leader)
    pages.append(soup(client.get(f"/requests/{req.id}/verification")))
    for page in pages:
        form = page.select_one("main form")
        for control in form.select(
            "input:not([type=checkbox]):not([type=hidden]):not([type=file]), textarea"
        ):
            label = form.find("label", attrs={"for": control["id"]}).get_text()
            assert not RECIPIENT.search(label), label
            assert not RECIPIENT.search(control["name"])
        # And the page says so, where the leader can read it.
    note = pages[0].select_one(".privacy-callout").get_text()
    assert "names, addresses, phone numbers or any other contact details" in note
    assert "Do not send names or contact details of the recipients." in pages[1].get_text()
