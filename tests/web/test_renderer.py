"""The form renderer draws select boxes and inputs in Python: the very markup Django's templates
give, for every kind of value, label and attribute the application's forms use."""

from __future__ import annotations

import datetime as dt

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates
from django.http import QueryDict
from django.utils import translation
from django.utils.safestring import mark_safe

from legation.core.models import Region
from legation.engagements.filters import EngagementFilter
from legation.people.filters import PersonFilter
from legation.ui.forms import DateInput
from legation.ui.renderers import FormRenderer


class Everything(forms.Form):
    text = forms.CharField(max_length=20, help_text="help")
    search = forms.CharField(widget=forms.TextInput(attrs={"type": "search", "autofocus": True}))
    email = forms.EmailField(required=False)
    number = forms.DecimalField(required=False)
    count = forms.IntegerField(min_value=0, required=False)
    day = forms.DateField(widget=DateInput(), required=False)
    url = forms.URLField(required=False, assume_scheme="https")
    hidden = forms.CharField(widget=forms.HiddenInput, required=False)
    flag = forms.BooleanField(required=False)
    kind = forms.ChoiceField(choices=[("", "—"), ("a&b", "A & B"), ("<x>", mark_safe("<b>x</b>"))])
    grouped = forms.ChoiceField(
        choices=[("Fruit", [("apple", "Apple"), ("pear", "Pear")]), ("other", 'Other "one"')]
    )
    many = forms.MultipleChoiceField(choices=[(1, 1234567), (2, "二"), (3, dt.date(2026, 12, 7))])
    disabled = forms.ChoiceField(choices=[("x", "X")], disabled=True)
    region = forms.ModelChoiceField(queryset=Region.objects.order_by("code")[:5], required=False)
    radio = forms.ChoiceField(choices=[("a", "A")], widget=forms.RadioSelect, required=False)


VALUES = [
    {},
    {
        "text": 'quote " & <tag>',
        "search": "王",
        "email": "a@b.example",
        "number": "1234.5",
        "count": "-1",
        "day": "11/30/2026",
        "url": "x",
        "hidden": "h",
        "flag": "on",
        "kind": "<x>",
        "grouped": "pear",
        "many": ["1", "3"],
        "region": "999999",
    },
]


def both(form: forms.BaseForm) -> tuple[str, str]:
    fast, django = FormRenderer(), DjangoTemplates()
    out = []
    for renderer in (fast, django):
        form.renderer = renderer
        out.append("".join(str(bf) + str(bf.label_tag()) for bf in form))
    return out[0], out[1]


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["en", "zh-hans"])
@pytest.mark.parametrize("data", VALUES)
def test_every_widget_as_django_draws_it(language, data):
    with translation.override(language):
        form = Everything(data=data or None, initial={"day": dt.date(2026, 1, 2), "count": 5})
        form.is_valid()
        fast, django = both(form)
    assert "<select" in fast and "<option" in fast and "<input" in fast
    assert fast == django


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_filter_forms_as_django_draws_them(officer, language, ambassador_posting):
    for filterset in (EngagementFilter, PersonFilter):
        data = QueryDict("kind=meeting&q=%3Cb%3E")
        with translation.override(language):
            form = filterset(data, queryset=None, user=officer).form
            fast, django = both(form)
        assert fast == django
        assert fast.count("<option") > 10  # the regions at least


def test_a_widget_drawn_another_way_goes_to_django():
    class Custom(forms.Select):
        option_template_name = "django/forms/widgets/radio_option.html"

    field = forms.ChoiceField(choices=[("a", "A")], widget=Custom)
    form = forms.Form()
    form.fields["c"] = field
    fast, django = both(form)
    assert fast == django and "<label><input" in fast


def test_a_template_an_application_overrides_is_rendered_not_drawn(monkeypatch):
    """An application's own select_option.html (say) wins: the box goes to Django's renderer."""
    renderer = FormRenderer()
    field = forms.ChoiceField(choices=[("a", "A")])
    monkeypatch.setattr(DjangoTemplates, "render", lambda self, *args, **kwargs: "RENDERED")
    assert field.widget.render("c", "a", renderer=renderer).startswith('<select name="c">')

    class Overridden:
        origin = type("Origin", (), {"name": "/srv/app/templates/select_option.html"})

    real = renderer.get_template
    monkeypatch.setattr(
        renderer,
        "get_template",
        lambda name: Overridden() if name.endswith("select_option.html") else real(name),
    )
    renderer._own.clear()
    assert field.widget.render("c", "a", renderer=renderer) == "RENDERED"
    assert forms.CharField().widget.render("t", "x", renderer=renderer).startswith("<input")
