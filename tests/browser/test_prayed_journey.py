"""Journey e (and f in Korean): a supporter presses "I prayed" and sees the count rise."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.browser.conftest import screenshot
from tests.factories import make_prayer


def test_supporter_presses_i_prayed_and_sees_the_count_rise(live_server, page):
    prayer = make_prayer(title_en="Pray for Mr. Y, a North Korean defector living in France")
    page.goto(live_server + "/")
    page.get_by_role(
        "link", name="Pray for Mr. Y, a North Korean defector living in France"
    ).click()
    count = page.locator(f"#prayed-count-{prayer.id}")
    expect(count).to_have_text("0 people prayed")
    screenshot(page, "e-i-prayed", "1-before")

    page.get_by_role("button", name="I prayed").click()

    expect(page.locator(f"#prayed-count-{prayer.id}")).to_have_text("1 person prayed")
    expect(page.get_by_role("status")).to_contain_text("Thank you for praying")
    screenshot(page, "e-i-prayed", "2-after")


def test_korean_supporter_presses_i_prayed(live_server, korean_page):
    page = korean_page
    prayer = make_prayer(title_ko="프랑스에 사는 탈북민 Y 씨를 위해 기도해 주세요")
    page.goto(live_server + "/prayer/")
    expect(page.locator("html")).to_have_attribute("lang", "ko")
    page.get_by_role("link", name="프랑스에 사는 탈북민 Y 씨를 위해 기도해 주세요").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "프랑스에 사는 탈북민 Y 씨를 위해 기도해 주세요"
    )
    expect(page.locator(f"#prayed-count-{prayer.id}")).to_have_text(re.compile("0"))
    screenshot(page, "f-i-prayed-ko", "1-before")
    page.locator(f"#prayer-{prayer.id} button[type=submit]").click()
    expect(page.locator(f"#prayed-count-{prayer.id}")).to_have_text(re.compile("1"))
    expect(page.get_by_role("status")).to_be_visible()
    screenshot(page, "f-i-prayed-ko", "2-after")
