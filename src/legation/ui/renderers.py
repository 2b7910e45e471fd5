"""The form renderer: Django's, with its commonest widgets drawn in Python.

Django draws a <select> by rendering a template for the box, one for each <option> and one for
the attributes of each: a filter form with the host country's regions, the sectors and the
mission's tags renders some 150 templates, a third of a list page's time. The drawings here give
the very markup Django's own templates give (tests/web/test_renderer.py compares them, widget by
widget, escapes and localisation included) in a fraction of the time; any other template goes to
Django's renderer unchanged.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import django.forms
from django.forms.renderers import DjangoTemplates
from django.template import Context
from django.template.base import render_value_in_context
from django.utils.html import conditional_escape
from django.utils.safestring import SafeData

_CONTEXT = Context(autoescape=True)


def _text(value: Any) -> str:
    """`{{ value }}` in a template: localised, escaped unless already safe."""
    return render_value_in_context(value, _CONTEXT)


def _formatted(value: Any) -> str:
    """`{{ value|stringformat:'s' }}`: not localised, escaped unless already safe."""
    return conditional_escape(value if isinstance(value, SafeData) else str(value))


def _attrs(attrs: dict[str, Any]) -> str:
    """django/forms/widgets/attrs.html."""
    out = []
    for name, value in attrs.items():
        if value is False:
            continue
        out.append(" " + _text(name))
        if value is not True:
            out.append(f'="{_formatted(value)}"')
    return "".join(out)


def _option(option: dict[str, Any]) -> str:
    """django/forms/widgets/select_option.html."""
    return (
        f'<option value="{_formatted(option["value"])}"{_attrs(option["attrs"])}>'
        f"{_text(option['label'])}</option>"
    )


def _select(widget: dict[str, Any]) -> str | None:
    """django/forms/widgets/select.html, with its options (when they are Django's own)."""
    out = [f'<select name="{_text(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group_name, group_choices, _index in widget["optgroups"]:
        if group_name:
            out.append(f'\n  <optgroup label="{_text(group_name)}">')
        for option in group_choices:
            if option["template_name"] != _OPTION:
                return None  # an option drawn another way: Django draws the whole box
            out.append("\n  " + _option(option) + "\n")  # the option template's own newline
        if group_name:
            out.append("\n  </optgroup>")
    out.append("\n</select>")
    return "".join(out)


def _input(widget: dict[str, Any]) -> str:
    """django/forms/widgets/input.html."""
    value = "" if widget["value"] is None else f' value="{_formatted(widget["value"])}"'
    return (
        f'<input type="{_text(widget["type"])}" name="{_text(widget["name"])}"{value}'
        f"{_attrs(widget['attrs'])}>"
    )


_WIDGETS = "django/forms/widgets/"
_OPTION = _WIDGETS + "select_option.html"
_ATTRS = _WIDGETS + "attrs.html"
_INPUTS = ("text", "search", "email", "url", "tel", "number", "date", "hidden", "checkbox")
# What each drawing stands for: the template and those it includes.
_DRAWN: dict[str, tuple[Callable[[dict[str, Any]], str | None], tuple[str, ...]]] = {
    _WIDGETS + "select.html": (_select, (_WIDGETS + "select.html", _OPTION, _ATTRS)),
    # text.html and the others hold one include of input.html (the renderer strips the ends).
    **{
        f"{_WIDGETS}{n}.html": (_input, (f"{_WIDGETS}{n}.html", _WIDGETS + "input.html", _ATTRS))
        for n in _INPUTS
    },
}


_DJANGOS = str(Path(django.forms.__file__).parent / "templates")


class FormRenderer(DjangoTemplates):
    def __init__(self) -> None:
        super().__init__()
        self._own: dict[str, bool] = {}

    def _djangos(self, template_name: str, templates: tuple[str, ...]) -> bool:
        """Whether the templates a drawing stands for are all Django's own (an application may
        override one: then the widget is rendered, never drawn here)."""
        own = self._own.get(template_name)
        if own is None:
            own = self._own[template_name] = all(
                str(self.get_template(name).origin.name).startswith(_DJANGOS) for name in templates
            )
        return own

    def render(self, template_name: str, context: dict[str, Any], request: Any = None) -> str:
        draw, templates = _DRAWN.get(template_name, (None, ()))
        if draw is not None and "widget" in context and self._djangos(template_name, templates):
            html = draw(context["widget"])
            if html is not None:
                return html
        return super().render(template_name, context, request)
