"""What a browser would send for a page's form: every named control with its current value."""

from __future__ import annotations

from html.parser import HTMLParser
from typing import Any

ROW_KINDS = ("emails", "phones", "addresses", "affiliations", "relationships")


class _FormReader(HTMLParser):
    def __init__(self, form_class: str) -> None:
        super().__init__()
        self.form_class = form_class
        self.inside = self.in_template = False
        self.data: dict[str, Any] = {}
        self.select: str | None = None
        self.selected: str | None = None
        self.first_option: str | None = None
        self.textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "form" and self.form_class in (a.get("class") or "").split():
            self.inside = True
        if not self.inside:
            return
        if tag == "template":
            self.in_template = True
        if self.in_template or "name" not in a:
            if tag == "option" and self.select is not None:
                self._option(a)
            return
        name = a["name"]
        if tag == "input":
            kind = a.get("type", "text")
            if kind in ("checkbox", "radio"):
                if "checked" in a:
                    self.data[name] = a.get("value") or "on"
            elif kind not in ("submit", "button"):
                self.data[name] = a.get("value") or ""
        elif tag == "select":
            self.select, self.selected, self.first_option = name, None, None
        elif tag == "textarea":
            self.textarea = name
            self.data[name] = ""

    def _option(self, a: dict[str, str | None]) -> None:
        value = a.get("value") or ""
        if self.first_option is None:
            self.first_option = value
        if "selected" in a:
            self.selected = value

    def handle_data(self, data: str) -> None:
        if self.textarea:
            self.data[self.textarea] += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "template":
            self.in_template = False
        elif tag == "select" and self.select is not None:
            chosen = self.selected if self.selected is not None else self.first_option
            self.data[self.select] = chosen or ""
            self.select = None
        elif tag == "textarea" and self.textarea:
            # A textarea's first newline is not part of its value.
            value = self.data[self.textarea]
            self.data[self.textarea] = value[1:] if value.startswith("\n") else value
            self.textarea = None
        elif tag == "form":
            self.inside = False


def form_data(html: str, form_class: str = "stack") -> dict[str, Any]:
    reader = _FormReader(form_class)
    reader.feed(html)
    reader.data.pop("csrfmiddlewaretoken", None)
    return reader.data


def add_row(data: dict[str, Any], kind: str, /, **fields: Any) -> dict[str, Any]:
    """Fill a new row of `kind` (the page's empty row, or one more), as "Add a row" does."""
    total = int(data[f"{kind}-TOTAL_FORMS"])
    index = total - 1
    if any(data.get(f"{kind}-{index}-{k}") for k in fields) or index < int(
        data[f"{kind}-INITIAL_FORMS"]
    ):
        index = total
        data[f"{kind}-TOTAL_FORMS"] = str(total + 1)
    for name, value in fields.items():
        data[f"{kind}-{index}-{name}"] = value
    return data


def empty_person(**fields: Any) -> dict[str, Any]:
    """A new person's form with no rows yet (only the management forms)."""
    data: dict[str, Any] = {"name_order": "western", "note_sensitivity": "1", **fields}
    for kind in ROW_KINDS:
        data.update(
            {
                f"{kind}-TOTAL_FORMS": "0",
                f"{kind}-INITIAL_FORMS": "0",
                f"{kind}-MIN_NUM_FORMS": "0",
                f"{kind}-MAX_NUM_FORMS": "50",
            }
        )
    return data
