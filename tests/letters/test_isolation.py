"""Untrusted templates render in separate processes, stopped at hard CPU, memory and time limits.

The payloads are templates the sandbox accepts but whose cost its trace hook cannot bound (the
work happens in one C call: ``str`` of a huge nested list, ``sum`` of lists), plus template loops
(the hook's own case), huge strings, and nesting deep enough to exhaust Python's recursion.
Each must be stopped within the limit with a one-line error, on every path (the pool, the web
preview, the command line, a merge, a Word template), and the parent's memory must not grow.
"""

from __future__ import annotations

import io
import resource
import time
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from docx import Document

from legation.core.access import SYSTEM
from legation.letters.compose.letter import Layout
from legation.letters.compose.letter_template import LetterTemplate, parse_template
from legation.letters.compose.sandbox import LetterTemplateError
from legation.letters.merge import production as merge
from legation.letters.render.isolation import Limits, RenderPool, RenderStopped
from tests import factories
from tests.letters.conftest import LETTER_DATE, add_address

CPU = 1.0
LIMITS = Limits(cpu_seconds=CPU, memory_mb=256, wall_seconds=120)  # wall: a busy test machine
LAYOUT = Layout("使馆", "Mission")
NESTED_LIST = "{{ [[[1]*1000]*1000]*1000 }}"  # printing it is one C call, of 3e9 characters

# (name, template body, what stops it)
PAYLOADS = [
    ("nested list printed (str in C)", NESTED_LIST, "limit"),
    (
        "sum of lists (quadratic, in C)",
        "{{ ([[1]*1000]*10000) | sum(start=[]) | length }}",
        "limit",
    ),
    ("300-million-character string", "{{ ([[[1]*1000]*1000]*100) | string | length }}", "limit"),
    ("9-GB string", "{{ ([['x'*90000]*1000]*100) | string | length }}", "memory"),
    (
        "nested loops",
        "{% set s = 'x' * 3000 %}{% for a in s %}{% for b in s %}{% endfor %}{% endfor %}",
        "payload.en (body): rendering took more than 1 s of CPU time (a loop too big?).",
    ),
    ("deep recursion (expression)", "{{ 1" + "+1" * 5000 + " }}", "nested too deeply"),
    (
        "deep nesting (blocks)",
        "{% for a in [1] %}" * 25 + "x" + "{% endfor %}" * 25,
        "payload.en (body): the template is nested too deeply.",
    ),
]


def payload_template(body: str, name: str = "payload") -> LetterTemplate:
    return LetterTemplate(name=name, language="en", kind="other", body=body + "\n")


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


@pytest.fixture(scope="module")
def pool():
    with RenderPool(size=1, limits=LIMITS, typeset=False) as pool:
        yield pool


@pytest.fixture
def limits(settings):
    settings.LETTER_RENDER_CPU_SECONDS = LIMITS.cpu_seconds
    settings.LETTER_RENDER_MEMORY_MB = LIMITS.memory_mb
    settings.LETTER_RENDER_WALL_SECONDS = LIMITS.wall_seconds
    return LIMITS


@pytest.mark.parametrize(("name", "body", "stopped_by"), PAYLOADS, ids=[p[0] for p in PAYLOADS])
def test_each_payload_is_stopped_within_the_limit_and_the_parent_does_not_grow(
    pool, name, body, stopped_by
):
    before = peak_rss_mb()
    started = time.process_time()
    reply = pool.run("compose", [(payload_template(body), {}, LAYOUT, None, True)], [name])[0]
    assert time.process_time() - started < 1.0  # the parent only waited
    assert peak_rss_mb() - before < 30
    if stopped_by in ("limit", "memory"):
        stop = reply.stopped
        assert isinstance(stop, RenderStopped), reply
        assert (
            stop.reason in ("cpu", "memory") if stopped_by == "limit" else stop.reason == "memory"
        )
        assert stop.cpu <= CPU + 0.1, stop.cpu
        if stop.reason == "memory":  # the renderer's own count of its peak
            assert 0 < stop.peak_kb <= stop.start_kb + LIMITS.memory_mb * 1024
        message = str(stop)
        assert message.startswith(f"{name}: rendering was stopped: ") and "\n" not in message
    elif reply.stopped is not None and stopped_by.endswith("(a loop too big?)."):
        # The trace hook stops a template loop at 3/4 of the CPU limit; on a loaded machine the
        # process's own CPU time (system time included) can reach the hard limit first, which
        # stops it as safely, with the same one-line refusal.
        assert reply.stopped.reason == "cpu" and reply.stopped.cpu <= CPU + 0.1
        assert "\n" not in str(reply.stopped)
    else:  # stopped inside the renderer, which carries on
        assert reply.stopped is None and stopped_by in reply.error and "\n" not in reply.error
    # The pool still renders the next letter (in a new renderer if this one was stopped).
    ok = pool.run("compose", [(payload_template("Hello."), {}, LAYOUT, None, True)], ["ok"])[0]
    assert ok.value["blocks"][0]["runs"] == [["Hello.", 0]]


def test_a_letter_that_outlasts_the_wall_clock_limit_is_killed():
    with RenderPool(size=1, limits=Limits(cpu_seconds=60, wall_seconds=1)) as short:
        reply = short.run("compose", [(payload_template(NESTED_LIST), {}, LAYOUT, None, True)],
                          ["slow"])[0]  # fmt: skip
    assert reply.stopped is not None and reply.stopped.reason == "wall"
    assert str(reply.stopped) == "slow: rendering was stopped: it took more than 1 s."


def test_in_a_batch_only_the_stopped_letter_fails_and_the_rest_are_rendered(pool):
    items = [(payload_template(b), {}, LAYOUT, None, True) for b in ("A.", NESTED_LIST, "B.")]
    replies = pool.run("compose", items, ["a", "bomb", "b"])
    assert replies[0].value["blocks"][0]["runs"] == [["A.", 0]]
    assert replies[1].stopped is not None
    assert replies[2].value["blocks"][0]["runs"] == [["B.", 0]]


def test_a_template_nested_too_deeply_is_refused_when_read_not_with_a_crash():
    with pytest.raises(LetterTemplateError, match="nested too deeply"):
        parse_template("{{ 1" + "+1" * 5000 + " }}\n")


# -- every path: the web preview, the command line, a merge, a Word template -------------------


@pytest.fixture
def target(embassy, posting):
    person = factories.PersonFactory(mission=embassy, family_name="Target", given_name="Tom")
    add_address(person)
    return person


def test_the_web_preview_shows_the_stop_as_an_error(client, letters_officer, posting, target,
                                                    limits):  # fmt: skip
    client.force_login(letters_officer)
    text = "---\nname: bomb\nlanguage: en\n---\nDear friend, " + NESTED_LIST + "\n"
    data = {"person": target.pk, "posting": posting.pk, "letter_date": "2022-12-30", "text": text}
    before = peak_rss_mb()
    started = time.monotonic()
    page = client.post("/letters/preview/", data, HTTP_HX_REQUEST="true")
    assert page.status_code == 200
    assert "bomb.en: rendering was stopped: it took more than 1 s of CPU time" in (
        page.content.decode()
    )
    assert time.monotonic() - started < LIMITS.wall_seconds
    assert peak_rss_mb() - before < 30
    pdf = client.post("/letters/preview.pdf", {**data, "lang": "en"})
    assert pdf.status_code == 400 and b"rendering was stopped" in pdf.content


def test_the_command_line_reports_the_stop_in_one_line(tmp_path, posting, target, limits):
    source = tmp_path / "bomb.en.md"
    source.write_text("---\nlanguage: en\n---\n{{ ([['x'*90000]*1000]*100) | string }}\n")
    with pytest.raises(CommandError) as info:
        call_command("letters", "render", str(source), "--to", str(target.pk), "--from",
                     posting.ref, "--format", "txt", "-o", str(tmp_path / "out.txt"), "--draft",
                     stdout=io.StringIO(), stderr=io.StringIO())  # fmt: skip
    assert str(info.value) == (
        "bomb.en: rendering was stopped: it needed more than 256 MB of memory "
        "(a text or list too big?)."
    )
    assert not (tmp_path / "out.txt").exists()


def test_a_merge_loses_only_the_letter_that_was_stopped(tmp_path, embassy, posting, limits):
    people = []
    for i in range(3):
        person = factories.PersonFactory(mission=embassy, family_name=f"Person{i}", given_name="A")
        add_address(person)
        people.append(person)
    template = parse_template(
        "---\nname: mixed\nlanguage: en\n---\n"
        "{% if personal == 'boom' %}" + NESTED_LIST + "{% endif %}Hello {{ recipient.name }}.\n"
    )
    recipients = [merge.Recipient(p, personal="boom" if i == 1 else "") for i, p in
                  enumerate(people)]  # fmt: skip
    before = peak_rss_mb()
    result = merge.produce(
        actor=SYSTEM, templates={"en": template}, recipients=recipients, posting=posting,
        letter_date=LETTER_DATE, fmt="txt", out_dir=tmp_path, draft=True, workers=2,
    )  # fmt: skip
    assert peak_rss_mb() - before < 30
    statuses = {o.person.pk: o.status for o in result.outcomes}
    assert statuses[people[0].pk] == statuses[people[2].pk] == "rendered"
    assert statuses[people[1].pk].startswith("error: mixed.en (person1-a-")
    assert "rendering was stopped" in statuses[people[1].pk]


def test_a_word_template_is_stopped_at_the_limit_too(tmp_path, settings, embassy, posting, target,
                                                     limits):  # fmt: skip
    settings.LEGATION_HOME = tmp_path
    (tmp_path / "letters").mkdir()
    document = Document()
    document.add_paragraph("{{ salutation }} " + NESTED_LIST)
    document.save(str(tmp_path / "letters" / f"{embassy.ref}.docx"))
    done, _ = merge.render_one(
        actor=SYSTEM, template=parse_template("Hello.\n"), person=target, posting=posting,
        letter_date=LETTER_DATE, fmt="docx", out=tmp_path / "out.docx", draft=True,
    )  # fmt: skip
    assert done.error.startswith("letter.en: rendering was stopped: it took more than 1 s of CPU")


def test_a_renderer_gets_no_credentials_from_the_environment(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgres://user:secret@db/legation")
    monkeypatch.setenv("LEGATION_SECRET_KEY", "not-for-templates")
    template = payload_template("{{ x }}")
    with RenderPool(size=1, limits=LIMITS, typeset=False) as fresh:
        renderer = fresh._checkout()
        try:
            environ = Path(f"/proc/{renderer.proc.pid}/environ").read_bytes()
        finally:
            fresh._checkin(renderer)
        reply = fresh.run("compose", [(template, {"x": "ok"}, LAYOUT, None, True)], ["x"])[0]
    assert b"secret" not in environ and b"not-for-templates" not in environ
    assert reply.value["blocks"][0]["runs"] == [["ok", 0]]
