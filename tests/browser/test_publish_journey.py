"""Journey d: an editor publishes a story in English and Korean with a photo uploaded in the
story form, alt text included; visitors read it in their own language."""

from __future__ import annotations

import io
import re

from PIL import Image
from playwright.sync_api import expect

from app.security import Role
from tests.accounts.factories import make_staff
from tests.browser.conftest import screenshot
from tests.browser.people import main_form, send, sign_in

JOURNEY = "d-publish-story"
ALT_EN = "A small group reading the Bible together around a table"
ALT_KO = "탁자에 둘러앉아 함께 성경을 읽는 소그룹"


def landscape_photo() -> bytes:
    image = Image.new("RGB", (1600, 1000), (210, 190, 160))
    for x in range(0, 1600, 40):  # some texture, so the encoder has work to do
        image.paste((150 + x % 90, 110, 80), (x, 300, x + 20, 700))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=85)
    return out.getvalue()


def test_editor_publishes_a_bilingual_story_with_a_photo(live_server, new_page):
    editor = make_staff(Role.EDITOR, name="Esther Editor")

    staff = new_page("en")
    sign_in(staff, live_server, editor)
    staff.locator("nav.staff-nav a[href='/staff/content/stories/']").click()
    staff.locator("main a[href='/staff/content/stories/new']").first.click()
    form = main_form(staff, "form.content-form")
    form.locator("[name=title_en]").fill("A Bible study in Incheon")
    form.locator("[name=summary_en]").fill("Six newcomers now read the Gospel of Mark together.")
    form.locator("[name=body_en]").fill(
        "Every Wednesday evening, six North Korean newcomers meet to read **Mark**.\n\n"
        "- They read one chapter a week\n- They pray for their families in the North"
    )
    form.locator("[name=title_ko]").fill("인천의 성경 공부 모임")
    form.locator("[name=summary_ko]").fill("여섯 명의 새신자가 함께 마가복음을 읽습니다.")
    form.locator("[name=body_ko]").fill(
        "매주 수요일 저녁, 여섯 명의 탈북 새신자가 모여 **마가복음**을 읽습니다."
    )
    form.locator("details.upload-photo summary").click()
    form.locator("input[name=photo]").set_input_files(
        {"name": "study.jpg", "mimeType": "image/jpeg", "buffer": landscape_photo()}
    )
    form.locator("[name=photo_alt_en]").fill(ALT_EN)
    form.locator("[name=photo_alt_ko]").fill(ALT_KO)
    form.locator("[name=photo_caption_en]").fill("Wednesday evening study")
    form.locator("[name=photo_caption_ko]").fill("수요일 저녁 성경 공부")
    screenshot(staff, JOURNEY, "1-write-the-story")

    # A preview first: both languages, nothing published yet.
    send(form, "button[name=action][value=preview]")
    preview = staff.locator("main #preview")
    expect(preview).to_contain_text("A Bible study in Incheon")
    expect(preview).to_contain_text("인천의 성경 공부 모임")
    screenshot(staff, JOURNEY, "2-preview")
    send(main_form(staff, "form.content-form"), "button[name=action][value=publish]")
    expect(staff).to_have_url(re.compile(r"/staff/content/stories/\d+$"))
    public_link = staff.locator("main .status-box a[href^='/stories/']")
    expect(public_link).to_be_visible()
    screenshot(staff, JOURNEY, "3-published")
    path = public_link.get_attribute("href")

    # An English reader finds it on the stories page, with the photo and its alt text.
    reader = new_page("en")
    reader.goto(live_server + "/stories/")
    reader.get_by_role("link", name="A Bible study in Incheon").click()
    expect(reader).to_have_url(re.compile(re.escape(path) + "$"))
    photo = reader.locator("main .hero-figure img")
    expect(photo).to_have_attribute("alt", ALT_EN)
    expect(reader.locator("main .hero-figure figcaption")).to_have_text("Wednesday evening study")
    expect(reader.locator("main .prose strong")).to_have_text("Mark")
    assert photo.evaluate("img => img.complete && img.naturalWidth") > 0
    screenshot(reader, JOURNEY, "4-story-in-english")

    # A Korean reader gets the Korean text and the Korean alt text.
    korean = new_page("ko")
    korean.goto(live_server + path)
    expect(korean.locator("html")).to_have_attribute("lang", "ko")
    expect(korean.get_by_role("heading", level=1)).to_have_text("인천의 성경 공부 모임")
    expect(korean.locator("main .hero-figure img")).to_have_attribute("alt", ALT_KO)
    expect(korean.locator("main .hero-figure figcaption")).to_have_text("수요일 저녁 성경 공부")
    expect(korean.locator("main .prose strong")).to_have_text("마가복음")
    screenshot(korean, JOURNEY, "5-story-in-korean")

    # The list of stories shows it in Korean too.
    korean.goto(live_server + "/stories/")
    expect(korean.locator("main .story-card").first).to_contain_text("인천의 성경 공부 모임")
    screenshot(korean, JOURNEY, "6-stories-in-korean")
