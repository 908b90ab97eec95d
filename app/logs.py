"""Logging: UTC times, one line per event, line breaks in logged values escaped.

Security events (sign-ins, failures, refusals, staff actions) are logged by `app.audit.record`
with the user id; what is logged never includes passwords, tokens, cookies or email bodies.
"""

from __future__ import annotations

import logging
import time

from flask import Flask

FORMAT = "%(asctime)sZ %(levelname)s %(name)s %(message)s"


class OneLineFormatter(logging.Formatter):
    """Escape CR/LF so a logged value can never forge a log line."""

    converter = time.gmtime  # UTC

    def format(self, record: logging.LogRecord) -> str:
        text = super().format(record)
        head, sep, tail = text.partition("\nTraceback")  # keep tracebacks readable
        head = head.replace("\r", "\\r").replace("\n", "\\n")
        return head + (sep + tail if sep else "")


def configure_logging(app: Flask) -> None:
    formatter = OneLineFormatter(FORMAT, datefmt="%Y-%m-%dT%H:%M:%S")
    root = logging.getLogger()
    if not any(getattr(h, "_newcomers", False) for h in root.handlers):
        handler = logging.StreamHandler()
        handler._newcomers = True  # type: ignore[attr-defined]
        handler.setFormatter(formatter)
        root.addHandler(handler)
    if not app.testing:
        root.setLevel(logging.INFO)
