"""Print styles: a story prints as an article (no navigation, forms or subscribe box), and the
recipient cards print eight to an A4 sheet."""

from __future__ import annotations

from playwright.sync_api import expect

from app.bible_requests.models import RequestState
from tests.bible_requests.factories import make_request
from tests.browser.conftest import ARTIFACTS
from tests.browser.people import sign_in_directly
from tests.browser.test_bible_request_journey import pdf_pages
from tests.comments.factories import make_comment
from tests.factories import make_story
from tests.staff.factories import make_image

FOLDER = ARTIFACTS / "print"
A4 = {"width": 794, "height": 1123}  # CSS pixels at 96 dpi


def test_a_story_prints_as_an_article(live_server, page):
    story = make_story(
        title_en="A Bible study in Incheon",
        body_en="Six newcomers read [Mark](https://example.org/mark) together.",
        hero_image=make_image(),
    )
    comment = make_comment(story, name="Sarah", body="Praying with you.")
    page.goto(f"{live_server}/stories/{story.slug}")
    page.emulate_media(media="print")
    for hidden in ("header.site-header", "footer.site-footer", ".subscribe-box", "#respond"):
        expect(page.locator(hidden)).to_be_hidden()
    for shown in ("main h1", ".hero-figure img", ".prose", f"#comment-{comment.id}"):
        expect(page.locator(shown)).to_be_visible()
    # Links in the text show where they lead, on paper.
    link_text = page.locator(".prose a").evaluate("a => getComputedStyle(a, '::after').content")
    assert "https://example.org/mark" in link_text
    FOLDER.mkdir(parents=True, exist_ok=True)
    pdf = page.pdf(path=str(FOLDER / "story.pdf"), format="A4")
    assert pdf_pages(pdf) == 1
    page.set_viewport_size(A4)
    page.screenshot(path=str(FOLDER / "story.png"), full_page=True)


def test_recipient_cards_print_eight_to_a_page(live_server, page):
    req = make_request(RequestState.APPROVED, quantity_requested=12)
    sign_in_directly(page.context, live_server, req.leader)
    page.emulate_media(media="print")
    FOLDER.mkdir(parents=True, exist_ok=True)
    for count, sheets in ((8, 1), (9, 2), (16, 2)):
        page.goto(f"{live_server}/requests/{req.id}/cards?count={count}")
        expect(page.locator(".recipient-card")).to_have_count(count)
        pdf = page.pdf(path=str(FOLDER / f"cards-{count}.pdf"), prefer_css_page_size=True)
        assert pdf_pages(pdf) == sheets, count
    page.set_viewport_size(A4)  # how the sheet looks, for people reviewing the design
    page.screenshot(path=str(FOLDER / "cards-16.png"), full_page=True)
