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
from pathlib import Path
from typing import Any, Protocol

log = logging.getLogger("app.mail")

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


class SMTPBackend:
    """One SMTP connection per batch: none, STARTTLS or implicit TLS, optional login."""

    eight_bit = False  # 7bit transfer encodings: servers without 8BITMIME get clean mail too

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
        context = ssl.create_default_context()  # verifies the server's certificate and name
        connection: smtplib.SMTP | None = None
        try:
            if self.security == "tls":
                connection = smtplib.SMTP_SSL(
                    self.host, self.port, timeout=self.timeout, context=context
                )
            else:
                connection = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
                if self.security == "starttls":
                    connection.starttls(context=context)
            if self.username:
                connection.login(self.username, self.password)
        except (OSError, smtplib.SMTPException) as error:
            if connection is not None:
                connection.close()
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

    eight_bit = True  # readable .eml files

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
