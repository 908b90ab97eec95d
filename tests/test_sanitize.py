"""The one sanitizer: dangerous markup goes, ordinary Markdown stays."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup

from app.sanitize import clean_html, render_markdown

DANGEROUS = [
    "<script>alert(1)</script>",
    "[click](javascript:alert(1))",
    "[click](&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1))",
    '<a href="javascript:alert(1)">x</a>',
    '<a href="&#x6A;avascript:alert(1)">x</a>',
    "<img src=x onerror=alert(1)>",
    '<p onclick="alert(1)">hi</p>',
    "<svg onload=alert(1)><circle/></svg>",
    "<style>body{display:none}</style>",
    '<iframe src="https://evil.example"></iframe>',
    "<object data=x></object>",
]


def assert_inert(html: str) -> None:
    tree = BeautifulSoup(html, "html.parser")
    assert not tree.find(["script", "svg", "style", "iframe", "object", "embed"])
    for tag in tree.find_all(True):
        for name, value in tag.attrs.items():
            assert not name.startswith("on"), tag
            text = value if isinstance(value, str) else " ".join(value)
            assert "javascript:" not in text.lower().replace(" ", ""), tag


@pytest.mark.parametrize("payload", DANGEROUS)
@pytest.mark.parametrize(
    "render",
    [render_markdown, lambda s: clean_html(s, "content"), lambda s: clean_html(s, "comment")],
)
def test_dangerous_markup_is_removed(payload, render):
    assert_inert(render(payload))


def test_ordinary_markdown_is_kept():
    html = render_markdown(
        "# Title\n\nSome *emphasis*, **strong** and a [link](https://vomkorea.com).\n\n"
        "- one\n- two\n\n> quoted\n\n`code`"
    )
    tree = BeautifulSoup(html, "html.parser")
    assert tree.find("h2").get_text() == "Title"  # the page's h1 is the title
    assert tree.find("em").get_text() == "emphasis"
    assert tree.find("strong").get_text() == "strong"
    assert tree.find("a")["href"] == "https://vomkorea.com"
    assert [li.get_text() for li in tree.find_all("li")] == ["one", "two"]
    assert tree.find("blockquote") and tree.find("code")


def test_raw_html_in_markdown_is_shown_as_text_not_markup():
    html = render_markdown("Hello <b onclick=x>there</b>")
    assert "&lt;b" in html and "<b" not in html


def test_images_only_from_this_site():
    html = render_markdown("![ok](/media/a.jpg) ![tracker](https://tracker.example/p.gif)")
    sources = [img.get("src") for img in BeautifulSoup(html, "html.parser").find_all("img")]
    assert sources == ["/media/a.jpg", None]


def test_comment_links_get_nofollow_ugc_noopener_and_are_linkified():
    html = clean_html('See <a href="https://example.org">this</a> and www.example.com', "comment")
    links = BeautifulSoup(html, "html.parser").find_all("a")
    assert len(links) == 2
    assert all(a["rel"] == ["nofollow", "ugc", "noopener"] for a in links)


def test_comment_profile_allows_only_paragraphs_breaks_emphasis_links():
    html = clean_html(
        "<h1>big</h1><p><em>a</em><br><strong>b</strong><img src=/x.png></p>", "comment"
    )
    tree = BeautifulSoup(html, "html.parser")
    assert {t.name for t in tree.find_all(True)} == {"p", "em", "br", "strong"}
