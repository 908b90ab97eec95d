"""How a composed message leaves: over SMTP, or as an .eml file in development.

A backend is opened once per batch (one SMTP connection for many messages) and raises
`TransientError` (try again later) or `PermanentError` (this message will never go).
"""

from __future__ import annotations

import logging
import os
import re
import smtplib
import ssl
from datetime import UTC, datetime
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import SMTP, default
from email.utils import format_datetime
from html import escape
from pathlib import Path
from typing import Any, Protocol

log = logging.getLogger("app.mail")

SMTP_POLICY = SMTP.clone(cte_type="7bit")  # servers without 8BITMIME get clean mail too
FILE_POLICY = default.clone(linesep="\r\n")
LINK_RE = re.compile(r"https?://[^\s<>\"')\]]+")


class TransientError(Exception):
    """Delivery failed for now (server down, 4xx): retry with back-off."""


class PermanentError(Exception):
    """The server refused this message for good (5xx for the recipient or the content)."""


class ConnectionFailed(TransientError):
    """Could not reach or log in to the server: nothing in this batch can go now."""


class Backend(Protocol):
    def open(self) -> None: ...
    def send(self, sender: str, recipient: str, data: bytes, message: dict[str, Any]) -> None: ...
    def close(self) -> None: ...

    eight_bit: bool


def fill(template: str, variables: dict[str, str], *, html: bool) -> str:
    """Put each recipient's values into a shared body's ⟦markers⟧."""
    for name, value in variables.items():
        template = template.replace(f"⟦{name}⟧", escape(value) if html else value)
    return template


def transfer_encoding(text: str, eight_bit: bool) -> str:
    """Readable where possible: 7bit for ASCII, 8bit in files, else QP or (for Korean) base64."""
    longest = max((len(line) for line in text.splitlines()), default=0)
    extra_bytes = len(text.encode()) - len(text)  # how much is not ASCII
    if not extra_bytes and longest <= 998:
        return "7bit"
    if eight_bit and longest <= 998:
        return "8bit"
    return "base64" if extra_bytes > len(text) // 2 else "quoted-printable"


def compose(message: dict[str, Any], sender: str, *, eight_bit: bool = False) -> bytes:
    """The RFC 5322 bytes of one outbox message: multipart text + HTML, stable Message-ID.

    The message's own headers (List-Unsubscribe, List-Unsubscribe-Post, List-Id) are written
    verbatim: the email package would otherwise fold a long URL into RFC 2047 encoded words,
    which mail providers do not read in these headers.
    """
    email = EmailMessage(policy=FILE_POLICY if eight_bit else SMTP_POLICY)
    email["From"] = sender
    email["To"] = Address(display_name=message["to_name"] or "", addr_spec=message["to_address"])
    email["Subject"] = message["subject"]
    created: datetime = message["created_at"]
    email["Date"] = format_datetime(created.replace(tzinfo=UTC))
    email["Message-ID"] = message["message_id"]
    email["Auto-Submitted"] = "auto-generated"  # RFC 3834: no vacation auto-replies, please
    verbatim = []
    for name, value in (message["headers"] or {}).items():
        if value.isascii() and name.isascii() and len(name) + len(value) < 990:
            verbatim.append(f"{name}: {value}\r\n".encode("ascii"))
        else:
            email[name] = value
    text = message["text"]
    email.set_content(text, cte=transfer_encoding(text, eight_bit))
    if message["html"]:
        html = message["html"]
        email.add_alternative(html, subtype="html", cte=transfer_encoding(html, eight_bit))
    data = email.as_bytes()
    if verbatim:  # after the From line's headers, before MIME-Version: any order is valid
        head, separator, rest = data.partition(b"\r\nMIME-Version:")
        data = head + b"\r\n" + b"".join(verbatim).rstrip(b"\r\n") + separator + rest
    return data


class SMTPBackend:
    """One SMTP connection per batch: none, STARTTLS or implicit TLS, optional login."""

    eight_bit = False

    def __init__(self, config: dict[str, Any]) -> None:
        self.host = config["MAIL_HOST"]
        self.port = int(config["MAIL_PORT"])
        self.security = (config.get("MAIL_SECURITY") or "none").lower()
        self.username = config.get("MAIL_USERNAME") or ""
        self.password = config.get("MAIL_PASSWORD") or ""
        self.timeout = config.get("MAIL_TIMEOUT", 30)
        if self.security not in {"none", "starttls", "tls"}:
            raise ValueError("MAIL_SECURITY must be none, starttls or tls")
        self.connection: smtplib.SMTP | None = None

    def open(self) -> None:
        context = ssl.create_default_context()
        try:
            if self.security == "tls":
                connection: smtplib.SMTP = smtplib.SMTP_SSL(
                    self.host, self.port, timeout=self.timeout, context=context
                )
            else:
                connection = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
                if self.security == "starttls":
                    connection.starttls(context=context)
            if self.username:
                connection.login(self.username, self.password)
        except (OSError, smtplib.SMTPException) as error:
            raise ConnectionFailed(f"cannot connect to {self.host}:{self.port}: {error}") from error
        self.connection = connection

    def send(self, sender: str, recipient: str, data: bytes, message: dict[str, Any]) -> None:
        if self.connection is None:
            self.open()
        assert self.connection is not None
        try:
            self.connection.sendmail(sender, [recipient], data)
        except smtplib.SMTPRecipientsRefused as error:
            code, reply = next(iter(error.recipients.values()))
            self._raise(code, reply)
        except (smtplib.SMTPDataError, smtplib.SMTPSenderRefused) as error:
            self._raise(error.smtp_code, error.smtp_error)
        except (TimeoutError, smtplib.SMTPServerDisconnected, OSError) as error:
            self.close()  # the next message opens a fresh connection
            raise TransientError(f"connection lost: {error}") from error
        except smtplib.SMTPException as error:
            self.close()
            raise TransientError(str(error)) from error

    @staticmethod
    def _raise(code: int, reply: bytes | str) -> None:
        text = reply.decode(errors="replace") if isinstance(reply, bytes) else str(reply)
        if 500 <= code < 600:
            raise PermanentError(f"{code} {text}")
        raise TransientError(f"{code} {text}")

    def close(self) -> None:
        connection, self.connection = self.connection, None
        if connection is None:
            return
        try:
            connection.quit()
        except (OSError, smtplib.SMTPException):
            connection.close()


class FileBackend:
    """Development: each message becomes an .eml file, and its links are logged."""

    eight_bit = True

    def __init__(self, config: dict[str, Any]) -> None:
        self.directory = Path(config["MAIL_FILE_DIR"])
        self.ready = False

    def open(self) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        self.ready = True

    def send(self, sender: str, recipient: str, data: bytes, message: dict[str, Any]) -> None:
        if not self.ready:
            self.open()
        stamp = message["created_at"].strftime("%Y%m%d-%H%M%S")
        path = self.directory / f"{stamp}-{message['id']:06d}.eml"
        partial = path.with_suffix(".part")
        try:
            partial.write_bytes(data)
            os.replace(partial, path)
        except OSError as error:
            raise TransientError(f"cannot write {path}: {error}") from error
        links = list(dict.fromkeys(LINK_RE.findall(message["text"])))
        lines = [f"Mail to {recipient}: {message['subject']!r} written to {path}"]
        lines += [f"    {link}" for link in links]
        log.info("\n".join(lines))

    def close(self) -> None:
        self.ready = False


def backend_for(config: dict[str, Any]) -> Backend:
    name = (config.get("MAIL_BACKEND") or "file").lower()
    if name == "smtp":
        return SMTPBackend(config)
    if name == "file":
        return FileBackend(config)
    raise ValueError(f"unknown MAIL_BACKEND {name!r} (use smtp or file)")
