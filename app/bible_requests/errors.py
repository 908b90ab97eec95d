"""Errors whose message is shown to the person who tried the step."""

from __future__ import annotations

from typing import Any


class RequestError(ValueError):
    """A step that cannot be taken now; `message` (translated, possibly lazy) is shown."""

    def __init__(self, message: Any) -> None:
        super().__init__(str(message))
        self.message = message


class StockError(RequestError):
    """Too few Bibles, or a stock entry that makes no sense."""
