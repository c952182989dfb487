"""The reports for people who do not open the workbook: json, text and markdown, the
terminal's rich text, html. `cut` lives here, where `check` finds it without loading the
reports' tables and the rules."""

from __future__ import annotations


def cut(text: str, width: int | None) -> str:
    """`text` in at most `width` characters, cut with an ellipsis; whole when width is None."""
    if width is None or len(text) <= width:
        return text
    return text[:max(width - 1, 0)] + "…"
