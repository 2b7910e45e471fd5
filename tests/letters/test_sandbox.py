"""Placeholders run sandboxed: the context and the documented filters, nothing else."""

from __future__ import annotations

import sys

import pytest

from legation.letters.compose.sandbox import LetterSandbox, LetterTemplateError

CONTEXT = {"language": "en", "date_iso": "2022-12-30", "recipient": {"name": "President Carter"}}


def render(source: str, **caps) -> str:
    return LetterSandbox().render_text(source, CONTEXT, **caps)


def test_placeholders_read_the_context_and_call_filters():
    assert render("{{ recipient.name }}, {{ 22 | number_words }}") == "President Carter, twenty-two"


@pytest.mark.parametrize(
    "source",
    [
        "{{ ''.__class__.__mro__ }}",
        "{{ cycler.__init__.__globals__ }}",
        "{{ recipient.__class__ }}",
        "{{ recipient.items() }}",
        "{{ 'x' * 10**9 }}",
        "{{ 10 ** 1000000 }}",
        "{% set n = 10 ** 15 ** 1 %}{{ ((n ** 64) * (n ** 64)) * ((n ** 64) * (n ** 64)) }}",
        "{{ '%999999999d' % 1 }}",
        "{{ 'ab' | replace('', 'x' * 90000) }}",
        "{% set s = 'x' * 90000 %}{{ s ~ s }}",
        "{{ range(10) }}",
        "{{ lipsum() }}",
    ],
)
def test_sandbox_escapes_and_memory_bombs_are_refused_with_a_clear_error(source):
    with pytest.raises(LetterTemplateError) as info:
        render(source)
    assert "\n" not in str(info.value)


def test_a_huge_loop_is_stopped_by_the_cpu_time_cap():
    source = "{% set s = 'x' * 2000 %}{% for a in s %}{% for b in s %}{% endfor %}{% endfor %}"
    with pytest.raises(LetterTemplateError, match="CPU time"):
        render(source, cpu_seconds=0.2)


class _ReinstallingTracer:
    """A trace function like coverage's C tracer: it puts itself back whenever it sees a call."""

    def __init__(self) -> None:
        self.seen: set[str] = set()

    def __call__(self, frame, event, arg):
        self.seen.add(frame.f_code.co_name)
        if event == "call":
            sys.settrace(self)
        return self


def test_a_tracer_already_installed_sees_the_filters_and_the_cap_still_stops_the_loop():
    # A coverage run must see the filters a template calls, and must not switch the cap off.
    source = (
        "{% set s = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10] * 300 %}{% for a in s %}{% for b in s %}"
        "{% if (b | number_words) == 'x' %}{% endif %}{% endfor %}{% endfor %}"
    )
    tracer = _ReinstallingTracer()
    previous = sys.gettrace()
    sys.settrace(tracer)
    try:
        assert render("{{ 22 | number_words }}") == "twenty-two"
        with pytest.raises(LetterTemplateError, match="CPU time"):
            render(source, cpu_seconds=0.2)
        after = sys.gettrace()
    finally:
        sys.settrace(previous)
    assert {"number_words", "english_words"} <= tracer.seen
    assert after is tracer


def test_a_loop_that_writes_too_much_is_stopped_by_the_output_cap():
    source = "{% set s = 'x' * 1000 %}{% for a in s %}{{ s }}{% endfor %}"
    with pytest.raises(LetterTemplateError, match="longer than"):
        render(source)


@pytest.mark.parametrize(
    "source",
    [
        "{% macro f() %}x{% endmacro %}",
        "{% include 'other' %}",
        "{% import 'x' as y %}",
        "{% extends 'base' %}",
        "{{ recipient.name.upper() }}",
    ],
)
def test_macros_imports_and_calls_are_refused_when_the_template_is_read(source):
    with pytest.raises(LetterTemplateError, match="not allowed"):
        LetterSandbox().check(source)


def test_an_unknown_placeholder_is_an_error_not_a_blank():
    with pytest.raises(LetterTemplateError, match="unknown placeholder"):
        render("{{ recipient.nmae }}")


def test_loop_variables_remain_usable():
    assert render("{% for x in ['a', 'b'] %}{{ loop.index }}{{ x }}{% endfor %}") == "1a2b"
