"""The hand-built MIME reads back exactly with the standard library's parser."""

from __future__ import annotations

from datetime import datetime
from email import message_from_bytes, policy

from hypothesis import given, settings
from hypothesis import strategies as st

from app.mail.compose import compose, transfer_encoding

# What people write: any letters, digits, punctuation and spaces, Korean included; no
# control characters (headers refuse line breaks long before this point).
words = st.text(
    alphabet=st.characters(blacklist_categories=("Cc", "Cs", "Zl", "Zp", "Co", "Cn")),
    max_size=120,
)
bodies = st.lists(words, max_size=12).map("\n".join)


def row(**fields) -> dict:
    return {
        "id": 1,
        "to_name": "",
        "to_address": "reader@example.org",
        "subject": "Hello",
        "created_at": datetime(2026, 3, 4, 9, 51),
        "message_id": "<abc@vomkorea.example>",
        "headers": {},
        "text": "Hello",
        "html": "",
        **fields,
    }


def body(message, kind: str) -> str:
    return message.get_body((kind,)).get_content().replace("\r\n", "\n").rstrip("\n")


@settings(max_examples=150, deadline=None)
@given(subject=words, name=words, text=bodies, html=bodies, eight_bit=st.booleans())
def test_whatever_people_write_survives_the_trip(subject, name, text, html, eight_bit):
    data = compose(
        row(subject=subject, to_name=name, text=text, html=f"<p>{html}</p>"),
        "한국 순교자의 소리 <newcomers@vomkorea.example>",
        eight_bit=eight_bit,
    )
    assert all(len(line) <= 998 for line in data.split(b"\r\n"))
    assert b"\n" not in data.replace(b"\r\n", b"")  # CRLF only, as SMTP wants
    if not eight_bit:
        assert data.isascii()
    message = message_from_bytes(data, policy=policy.default)
    assert message["Subject"] == subject.strip()
    assert message["To"].addresses[0].addr_spec == "reader@example.org"
    assert message["To"].addresses[0].display_name == name.strip()
    assert message["From"].addresses[0].display_name == "한국 순교자의 소리"
    assert message.get_content_type() == "multipart/alternative"
    assert body(message, "plain") == "\n".join(text.splitlines()).rstrip("\n")
    assert body(message, "html") == "\n".join(f"<p>{html}</p>".splitlines()).rstrip("\n")


def test_own_headers_are_written_verbatim_and_the_date_is_utc():
    url = "<https://newcomers.example.org/unsubscribe/" + "t" * 80 + ">"
    data = compose(
        row(
            headers={"List-Unsubscribe": url, "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}
        ),
        "VOM Korea <newcomers@vomkorea.example>",
    )
    assert f"\r\nList-Unsubscribe: {url}\r\n".encode() in data
    assert b"\r\nDate: Wed, 04 Mar 2026 09:51:00 +0000\r\n" in data
    assert b"Content-Type: text/plain" in data and b"multipart" not in data  # no HTML: one part


def test_transfer_encodings_stay_readable():
    assert transfer_encoding("Plain English.", eight_bit=False) == "7bit"
    assert transfer_encoding("Café · prayer", eight_bit=False) == "quoted-printable"
    assert transfer_encoding("북한 성경 배포 " * 20, eight_bit=False) == "base64"
    assert transfer_encoding("북한 성경 배포", eight_bit=True) == "8bit"
    assert transfer_encoding("x" * 1200, eight_bit=False) == "quoted-printable"  # long line
