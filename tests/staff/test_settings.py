"""Site settings: one typed form for admins, validated, every change in the audit log."""

from __future__ import annotations

import pytest

from app.extensions import db
from app.security import Role
from app.settings import SETTINGS, get_setting, set_setting
from tests.helpers import soup, text_of
from tests.staff.factories import audit_rows, form_values, make_staff, sign_in

URL = "/staff/settings/"


def settings_form(client, **changes) -> dict:
    return form_values(client, URL, "form.settings-form", **changes)


def test_every_setting_has_a_typed_input_in_its_group(client):
    sign_in(client, Role.ADMIN)
    page = soup(client.get(URL))
    legends = [legend.get_text(strip=True) for legend in page.select("fieldset legend")]
    assert legends == ["Ministry and contact", "Comments", "Bible requests", "Email"]
    for key, setting in SETTINGS.items():
        element = page.find(id=key)
        assert element is not None, key
        assert page.find("label", attrs={"for": key}).get_text(strip=True) == setting.label
        if setting.kind is bool:
            assert element["type"] == "checkbox"
        elif setting.kind is int:
            assert element["type"] == "number"
        elif setting.kind is list or setting.format == "multiline":
            assert element.name == "textarea"
        elif setting.format in ("email", "url"):
            assert element["type"] == setting.format
    assert page.find("input", id="ministry_name")["value"] == "VOM Korea"
    assert page.find("input", id="request_cap")["value"] == "50"
    hint = page.find(id="request_cap-hint").get_text()
    assert "Default: 50." in hint


def test_an_admin_changes_settings_and_each_change_is_audited(client):
    admin = sign_in(client, Role.ADMIN, name="Admin Kim")
    data = settings_form(
        client,
        ministry_name="VOM Korea (Seoul)",
        request_cap="30",
        comment_disallowed_words="casino\n  cheap   pills \ncasino, loans",
        digest_enabled="y",
    )
    response = client.post(URL, data=data)
    assert response.status_code == 302
    assert "Saved 4 changes." in text_of(client.get(URL))
    assert get_setting("ministry_name") == "VOM Korea (Seoul)"
    assert get_setting("request_cap") == 30
    assert get_setting("comment_disallowed_words") == ["casino", "cheap pills", "loans"]
    assert get_setting("digest_enabled") is True
    rows = {row.data["key"]: row for row in audit_rows("settings.change")}
    assert set(rows) == {
        "ministry_name",
        "request_cap",
        "comment_disallowed_words",
        "digest_enabled",
    }
    assert rows["request_cap"].data["old"] == 50 and rows["request_cap"].data["new"] == 30
    assert all(row.actor_id == admin.id for row in rows.values())
    # The form shows the list one per line, and who changed what.
    page = soup(client.get(URL))
    assert (
        page.find("textarea", id="comment_disallowed_words").get_text().strip()
        == "casino\ncheap pills\nloans"
    )
    assert "Last changed by Admin Kim" in page.find(id="request_cap-hint").get_text()


def test_unticking_a_box_turns_it_off(client):
    set_setting("show_public_counter", True)
    db.session.commit()
    sign_in(client, Role.ADMIN)
    data = settings_form(client)
    data.pop("show_public_counter")  # browsers send nothing for an unticked box
    client.post(URL, data=data)
    assert get_setting("show_public_counter") is False


def test_saving_without_changes_writes_nothing(client):
    sign_in(client, Role.ADMIN)
    response = client.post(URL, data=settings_form(client))
    assert response.status_code == 302
    assert "There were no changes to save." in text_of(client.get(URL))
    assert audit_rows() == []


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("request_cap", "0", "Enter a number from 1 to 5000."),
        ("request_cap", "9999", "Enter a number from 1 to 5000."),
        ("request_cap", "twelve", "Enter a whole number, like 30."),
        ("comment_close_days", "", "Enter a number."),
        ("contact_email", "not-an-email", "Enter an email address, like name@example.org."),
        ("purchase_url", "javascript:alert(1)", "Enter a full web address starting with https://"),
        ("purchase_url", "www.example.org", "Enter a full web address starting with https://"),
        ("ministry_name", "   ", "This cannot be empty."),
        ("ministry_name", "x" * 121, "At most 120 characters."),
        ("comment_moderation_words", "x" * 101, "is too long: at most 100 characters per line."),
    ],
)
def test_bad_values_are_refused_with_a_clear_message_and_nothing_is_saved(
    client, field, value, message
):
    sign_in(client, Role.ADMIN)
    data = settings_form(client, **{field: value, "verification_days": "14"})
    response = client.post(URL, data=data)
    assert response.status_code == 422
    page = soup(response)
    assert message in page.find(id=f"{field}-error").get_text()
    assert message in page.select_one(".error-summary").get_text()
    # What was typed is still there, and nothing at all was saved.
    assert page.find(id="verification_days")["value"] == "14"
    assert get_setting("verification_days") == 30
    assert audit_rows() == []


def test_zero_is_a_fine_value_where_the_range_allows_it(client):
    sign_in(client, Role.ADMIN)
    set_setting("comment_close_days", 30)
    db.session.commit()
    assert client.post(URL, data=settings_form(client, comment_close_days="0")).status_code == 302
    assert get_setting("comment_close_days") == 0


def test_a_change_made_meanwhile_by_another_admin_is_not_overwritten(client):
    sign_in(client, Role.ADMIN)
    data = settings_form(client, request_cap="40")
    set_setting("ministry_name", "Changed meanwhile", actor=make_staff(Role.ADMIN))
    db.session.commit()
    response = client.post(URL, data=data)
    assert response.status_code == 409
    assert "Another admin changed the settings while you were editing" in text_of(response)
    assert soup(response).find(id="request_cap")["value"] == "40"
    assert get_setting("ministry_name") == "Changed meanwhile" and get_setting("request_cap") == 50


def test_contact_details_appear_on_the_about_page(client):
    sign_in(client, Role.ADMIN)
    client.post(
        URL,
        data=settings_form(
            client, contact_details="VOM Korea\r\nPO Box 1, Seoul", contact_email="help@vom.example"
        ),
    )
    about = soup(client.get("/about"))
    assert about.find("address").get_text() == "VOM Korea\nPO Box 1, Seoul"
    assert about.find("a", href="mailto:help@vom.example")
