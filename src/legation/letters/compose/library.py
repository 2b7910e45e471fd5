"""Where a letter's template text comes from: the mission's own records, then the shipped files.

A mission's templates are ``MissionTemplate`` records, read through ``visible_to(user)``: a user
reads the templates of their own missions only, and a mission's template takes the place of a
shipped one of the same name and language for that mission alone. The shipped templates
(``templates_default/``) are shared by every mission and read-only. This module only finds the
text; parsing, checking and rendering it are ``templates`` and the render pipeline's business.
"""

from __future__ import annotations

from typing import Any

from legation.core.models import Mission
from legation.letters.compose.jinja_filters import LANGUAGES
from legation.letters.compose.letter_template import (
    DEFAULT_DIR,
    LetterTemplate,
    available_templates,
    load_template,
    parse_template,
)
from legation.letters.compose.sandbox import LetterTemplateError
from legation.letters.models import MissionTemplate

SHIPPED = "shipped"


def record_path(record: MissionTemplate, mission: Mission | None = None) -> str:
    """How a record is named in messages: "EMB-US:farewell.en"."""
    ref = (mission or record.mission).ref
    return f"{ref}:{record.name}.{record.language}"


def from_record(record: MissionTemplate, mission: Mission | None = None) -> LetterTemplate:
    """The record's text, parsed and checked (a ``LetterTemplateError`` if it no longer passes)."""
    return parse_template(record.text, default_name=record.name, path=record_path(record, mission))


def is_shipped(template: LetterTemplate) -> bool:
    return template.path.startswith(str(DEFAULT_DIR))


def visible_mission(actor: Any, mission: Mission) -> Mission:
    """The mission as the actor may see it; another mission is "not found"."""
    found = Mission.objects.visible_to(actor).filter(pk=mission.pk).first()
    if found is None:
        raise LetterTemplateError("No such mission among yours.")
    return found


def records(actor: Any, mission: Mission) -> Any:
    """The mission's own template records the actor may read."""
    return MissionTemplate.objects.visible_to(actor).filter(mission=mission)


def templates_for(actor: Any, mission: Mission) -> list[LetterTemplate]:
    """The templates a letter of the mission may use: its own, then the shipped ones it has not
    replaced (by label). A record that no longer passes the checks is left out."""
    mission = visible_mission(actor, mission)
    seen: dict[str, LetterTemplate] = {}
    for record in records(actor, mission):
        try:
            template = from_record(record, mission)
        except LetterTemplateError:
            continue
        seen.setdefault(template.label, template)
    for template in available_templates():
        seen.setdefault(template.label, template)
    return sorted(seen.values(), key=lambda t: t.label)


def names_for(actor: Any, mission: Mission) -> dict[str, list[LetterTemplate]]:
    """Every template name of the mission, with the languages it exists in."""
    names: dict[str, list[LetterTemplate]] = {}
    for template in templates_for(actor, mission):
        names.setdefault(template.name, []).append(template)
    return dict(sorted(names.items()))


def find_for(
    actor: Any,
    mission: Mission,
    spec: str,
    *,
    language: str | None = None,
    files: bool = False,
) -> LetterTemplate:
    """A template by name ("farewell", "farewell.zh"): the mission's own, else the shipped one.

    ``files``: ``spec`` may also be a file (the command line's ``TEMPLATE`` argument).
    """
    from pathlib import Path

    if files:
        path = Path(spec).expanduser()
        if path.suffix and path.is_file():
            return load_template(path)
    mission = visible_mission(actor, mission)
    name, _, lang = spec.partition(".")
    lang = (lang or language or "en").lower()
    record = records(actor, mission).filter(name=name, language=lang).first()
    if record is not None:
        return from_record(record, mission)
    shipped = DEFAULT_DIR / f"{name}.{lang}.md"
    if shipped.is_file():
        return load_template(shipped)
    known = ", ".join(t.label for t in templates_for(actor, mission)) or "none"
    raise LetterTemplateError(f"No template {spec!r} in {lang}; known templates: {known}.")


def variants_for(actor: Any, mission: Mission, template: LetterTemplate) -> dict[str, Any]:
    """The same template in each language the mission has it in, by language code."""
    out = {template.language: template}
    for lang in LANGUAGES:
        if lang not in out:
            try:
                out[lang] = find_for(actor, mission, f"{template.name}.{lang}")
            except LetterTemplateError:
                continue
    return out
