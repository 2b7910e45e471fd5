"""`legation letters`: render one letter, merge a segment, list templates, save segments."""

from __future__ import annotations

import csv
import os
from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.management.base import CommandError
from django.utils import timezone

from legation.core import access
from legation.core.management.base import LegationCommand, parse_date
from legation.core.selectors import find_mission
from legation.engagements.selectors import default_posting, find_person, find_posting
from legation.letters.compose import library
from legation.letters.compose.sandbox import LetterTemplateError
from legation.letters.merge import production
from legation.letters.merge.segments import KEYS, SegmentError, resolve_segment
from legation.letters.models import Segment
from legation.letters.render.pdf import PdfError
from legation.letters.render.pools import merge_renderers
from legation.letters.render.word import DocxError
from legation.letters.services import (
    SEND_PERMISSION,
    letter_template_restore,
    letter_template_save,
    segment_create,
    segment_delete,
)

FORMATS_RENDER = ("pdf", "docx", "txt", "eml")
FORMATS_MERGE = ("pdf", "docx", "eml", "txt")


class Command(LegationCommand):
    help = "Letters: render one, merge many, list templates, save segments (see docs/letters.md)."
    accepts_as = True

    def add_arguments(self, parser: Any) -> None:
        sub = parser.add_subparsers(dest="action", required=True, metavar="ACTION")

        def common(p: Any) -> None:
            p.add_argument("template", help="a template name (farewell, farewell.zh) or a file")
            p.add_argument("--from", dest="posting", help="the sender's posting (id, ref, email)")
            p.add_argument("--date", help="the letter's date, YYYY-MM-DD (default: today)")
            p.add_argument("--draft", action="store_true", help="do not record the letters as sent")
            p.add_argument("--as", dest="as_user", metavar="USER", help="act as this user")
            self.add_mission_argument(p)

        render = sub.add_parser("render", help="one letter to one person")
        common(render)
        render.add_argument("--to", required=True, help="the person (id, ref or email)")
        render.add_argument("--personal", help="the personal line for this recipient")
        render.add_argument("--format", choices=FORMATS_RENDER, default="pdf")
        render.add_argument("-o", "--output", required=True, help="the file to write")

        merge = sub.add_parser("merge", help="one letter per person of a segment")
        common(merge)
        merge.add_argument("--to", required=True, help="a saved segment or a filter (quoted)")
        merge.add_argument(
            "--personal-csv", help="CSV with columns person (id, ref or email), personal"
        )
        merge.add_argument("--format", choices=FORMATS_MERGE, default="pdf")
        merge.add_argument("--out", required=True, help="the folder to write into")
        merge.add_argument("--combined", action="store_true", help="also one PDF for printing")
        merge.add_argument(
            "--language",
            choices=("template", "auto"),
            default="template",
            help="auto: each recipient's language (tag lang:zh) when the template exists in it",
        )
        merge.add_argument(
            "--workers", type=int, default=os.cpu_count() or 1, help="processes that typeset"
        )
        merge.add_argument(
            "--force", action="store_true", help="merge even if the first letter fails the check"
        )
        from legation.claims.command import add_check_arguments

        add_check_arguments(sub.add_parser("check", help="check a draft's figures and dates"))

        templates = sub.add_parser(
            "templates", help="list, show, save, see the history of, restore templates"
        )
        templates.add_argument(
            "templates_action",
            nargs="?",
            default="list",
            choices=("list", "show", "save", "history", "restore"),
        )
        templates.add_argument(
            "name", nargs="?", help="a name (farewell, farewell.zh); for save, the file to save"
        )
        templates.add_argument("version", nargs="?", type=int, help="restore: the version")
        templates.add_argument("--mission", help="mission ref (default: the sender's)")
        templates.add_argument("--as", dest="as_user", metavar="USER")
        word = sub.add_parser(
            "word-template",
            help="store (or show, or remove) a mission's Word template for .docx letters",
        )
        word.add_argument("file", nargs="?", help="the .docx to store (none: say what is stored)")
        word.add_argument("--mission", help="mission ref (default: the sender's)")
        word.add_argument("--remove", action="store_true", help="back to the default template")
        word.add_argument("--as", dest="as_user", metavar="USER")
        segment = sub.add_parser("segment", help="save, list or delete segments")
        segment.add_argument("segment_action", choices=("list", "save", "delete", "show"))
        segment.add_argument("name", nargs="?")
        segment.add_argument("filter", nargs="?", help="key=value words, quoted as one argument")
        segment.add_argument("--mission", help="mission ref (default: the sender's)")
        segment.add_argument("--description", default="")
        segment.add_argument("--as", dest="as_user", metavar="USER")

    def run(self, actor: Any, **options: Any) -> None:
        try:
            getattr(self, "do_" + options["action"].replace("-", "_"))(actor, options)
        except (LetterTemplateError, SegmentError, PdfError, DocxError) as exc:
            raise CommandError(str(exc)) from None

    # -- helpers -------------------------------------------------------------------------------
    def _posting(self, actor: Any, options: dict[str, Any], mission: Any = None) -> Any:
        if options.get("posting"):
            mission = self.mission_of(actor, options) or mission
            return find_posting(options["posting"], actor, mission=mission)
        posting = default_posting(actor, mission=mission)
        if posting is None:
            if mission is not None:
                raise CommandError(
                    f"No sender: {mission.ref} has no head of mission or chargé d'affaires "
                    "on record; name the posting with --from."
                )
            raise CommandError("No sender: name the posting with --from.")
        return posting

    def _recipients_mission(self, actor: Any, options: dict[str, Any]) -> Any:
        """Without --from: the one mission the segment's people belong to (its head of mission
        signs); refused when they span missions."""
        mission = self.mission_of(actor, options)
        if mission is not None:
            return mission
        _text, people = resolve_segment(options["to"], actor)
        refs = sorted(set(people.order_by().values_list("mission__ref", flat=True).distinct()))
        if len(refs) > 1:
            raise CommandError(
                f"The people of {options['to']!r} belong to several missions ({', '.join(refs)}), "
                "each with its own sender: name the sender with --from or the mission with "
                "--mission."
            )
        return find_mission(refs[0], actor) if refs else None

    def _date(self, options: dict[str, Any]) -> Any:
        return (
            parse_date(options["date"], "--date") if options.get("date") else timezone.localdate()
        )

    # -- actions -------------------------------------------------------------------------------
    def _mission(self, actor: Any, options: dict[str, Any]) -> Any:
        """The mission named by --mission, else the sender's, else the user's only one."""
        if options.get("mission"):
            return find_mission(options["mission"], actor)
        posting = default_posting(actor)
        if posting is not None:
            return posting.mission
        try:
            return access.mission_for(actor)
        except (access.MissionRequired, PermissionDenied):
            raise CommandError("Name the mission with --mission.") from None

    def do_templates(self, actor: Any, options: dict[str, Any]) -> None:
        """The mission's templates (its own, and the shipped ones it has not replaced)."""
        access.require(actor, SEND_PERMISSION)
        action, name = options["templates_action"], options.get("name")
        mission = self._mission(actor, options)
        if action == "list":
            for t in library.templates_for(actor, mission):
                where = "shipped" if library.is_shipped(t) else mission.ref
                self.stdout.write(f"{t.label:<20} {t.kind:<11} {where}")
            return
        if not name:
            raise CommandError(f"templates {action}: give the template's name.")
        if action == "save":
            path = Path(name)
            try:
                text = path.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError) as exc:
                raise CommandError(f"templates save: cannot read {path}: {exc}.") from None
            record = letter_template_save(actor=actor, mission=mission, text=text)
            version = record.history.order_by("-history_date").first().history_id
            self.stdout.write(f"Saved {mission.ref}:{record.label} (version {version}).")
            return
        if action == "show":
            self.stdout.write(library.find_for(actor, mission, name).source, ending="")
            return
        base, _, lang = name.partition(".")
        record = library.records(actor, mission).filter(name=base, language=lang or "en").first()
        if record is None:
            raise CommandError(
                f"{mission.ref} has no template {name!r} of its own (shipped ones have no history)."
            )
        if action == "history":
            for v in record.history.select_related("history_user", "operation").order_by(
                "-history_date"
            ):
                who = v.history_user.get_username() if v.history_user else "system"
                what = v.operation.description if v.operation else (v.history_change_reason or "")
                self.stdout.write(
                    f"{v.history_id:>8} {v.history_date:%Y-%m-%d %H:%M} {who:<16} {what}"
                )
            return
        if options.get("version") is None:
            raise CommandError("templates restore: give the version (see templates history).")
        letter_template_restore(actor=actor, template=record, version=options["version"])
        self.stdout.write(f"Restored {mission.ref}:{record.label} to version {options['version']}.")

    def do_render(self, actor: Any, options: dict[str, Any]) -> None:
        fmt = options["format"]
        person = find_person(options["to"], actor, mission=self.mission_of(actor, options))
        posting = self._posting(actor, options, mission=person.mission)
        template = library.find_for(actor, posting.mission, options["template"], files=True)
        out = Path(options["output"])
        if out.parent and not out.parent.is_dir():
            raise CommandError(f"-o: the folder {out.parent} does not exist.")
        done, engagement = production.render_one(
            actor=actor,
            template=template,
            person=person,
            posting=posting,
            letter_date=self._date(options),
            fmt=fmt,
            out=out,
            personal=options.get("personal"),
            draft=options["draft"],
        )
        if done.error:
            raise CommandError(done.error)
        note = (
            "draft, not recorded"
            if engagement is None
            else f"recorded as engagement {engagement.pk}"
        )
        self.stdout.write(f"Wrote {out} ({done.size:,} bytes, {note}).")
        for warning in done.warnings:
            self.stdout.write(f"  warning: {warning}")

    def do_merge(self, actor: Any, options: dict[str, Any]) -> None:
        fmt = options["format"]
        if options["workers"] < 1:
            raise CommandError("--workers: give 1 or more.")
        posting = self._posting(
            actor,
            options,
            mission=None if options.get("posting") else self._recipients_mission(actor, options),
        )
        template = library.find_for(actor, posting.mission, options["template"], files=True)
        templates = (
            library.variants_for(actor, posting.mission, template)
            if options["language"] == "auto"
            else {template.language: template}
        )
        filter_text, people = resolve_segment(options["to"], actor, mission=posting.mission)
        people = list(people.filter(mission=posting.mission))
        if not people:
            raise CommandError(f"Nobody you can see matches {filter_text!r}.")
        personal = self._personal_csv(options.get("personal_csv"), people)
        from legation.letters.compose.context import person_language

        auto = options["language"] == "auto"
        recipients = [
            production.Recipient(
                p,
                personal=personal.get(p.pk),
                language=person_language(p, template.language) if auto else template.language,
            )
            for p in people
        ]
        # The renderers start now, in the background, while the first letter is checked and
        # the ledger is read; the merge's letters (and the gate's) are typeset by them.
        with merge_renderers(fmt=fmt, count=len(recipients), workers=options["workers"]):
            self._gate_and_produce(actor, options, posting, templates, recipients, filter_text)

    def _gate_and_produce(
        self, actor: Any, options: dict[str, Any], posting: Any, templates: dict[str, Any],
        recipients: list[Any], filter_text: str,
    ) -> None:  # fmt: skip
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

        fmt = options["format"]
        if not options["force"]:  # the check of docs/claims.md, on the first letter
            from legation.letters.merge.gate import StaleLetter, refuse_contradicted

            try:
                refuse_contradicted(actor=actor, templates=templates, recipients=recipients,
                                    posting=posting, letter_date=self._date(options))  # fmt: skip
            except StaleLetter as exc:
                raise CommandError(str(exc)) from None
        with Progress(
            "[progress.description]{task.description}",
            BarColumn(),
            MofNCompleteColumn(),
            TimeRemainingColumn(),
            console=_console(self.stderr),
            transient=True,
        ) as bar:
            task = bar.add_task("letters", total=len(recipients))
            result = production.produce(
                actor=actor,
                templates=templates,
                recipients=recipients,
                posting=posting,
                letter_date=self._date(options),
                fmt=fmt,
                out_dir=Path(options["out"]),
                draft=options["draft"],
                combined=options["combined"],
                workers=options["workers"],
                progress=lambda n, total: bar.update(task, completed=n),
                segment=filter_text,
            )
        self.stdout.write(
            f"{len(result.rendered)} letters in {result.out_dir}; manifest {result.manifest}"
            + (f"; combined {result.combined}" if result.combined else "")
            + (
                "; draft, nothing recorded."
                if options["draft"]
                else f"; {result.recorded} recorded."
            )
        )
        for o in result.missing:
            self.stdout.write(f"  no letter: {o.person} (#{o.person.pk}): {o.status}")
        for o in result.failed:
            self.stdout.write(f"  failed: {o.person} (#{o.person.pk}): {o.status}")
        for o in result.outcomes:
            for warning in o.warnings:
                self.stdout.write(f"  warning: {o.person} (#{o.person.pk}): {warning}")

    def do_check(self, actor: Any, options: dict[str, Any]) -> None:
        from legation.claims.command import run_check

        posting = (
            self._posting(actor, options) if options.get("posting") else default_posting(actor)
        )
        code = run_check(actor=actor, options=options, stdout=self.stdout, posting=posting)
        if code:
            raise SystemExit(code)  # 3: a claim is contradicted (docs/claims.md)

    def _personal_csv(self, path: str | None, people: list[Any]) -> dict[int, str]:
        if not path:
            return {}
        keys: dict[str, int] = {}
        for p in people:
            keys[str(p.pk)] = p.pk
            if p.ref:
                keys[p.ref] = p.pk
            for e in p.emails.all():
                keys[e.email.lower()] = p.pk
        out: dict[int, str] = {}
        try:
            with open(path, newline="", encoding="utf-8-sig") as fh:
                reader = csv.DictReader(fh)
                if not reader.fieldnames or not {"person", "personal"} <= set(reader.fieldnames):
                    raise CommandError(
                        "--personal-csv: the columns must include person and personal."
                    )
                for number, row in enumerate(reader, 2):
                    key = (row.get("person") or "").strip()
                    pk = keys.get(key) or keys.get(key.lower())
                    if pk is None:
                        raise CommandError(
                            f"--personal-csv, line {number}: {key!r} is not among the recipients."
                        )
                    out[pk] = (row.get("personal") or "").strip()
        except OSError as exc:
            raise CommandError(f"--personal-csv: cannot read {path}: {exc.strerror}.") from None
        return out

    def do_word_template(self, actor: Any, options: dict[str, Any]) -> None:
        """The mission's Word template, kept in storage so every server uses the same one."""
        from django.core.files.storage import default_storage

        from legation.letters.merge.production import word_template_name, word_template_save

        access.require(actor, "core.change_mission")
        mission = self._mission(actor, options)
        if options.get("remove"):
            name = word_template_save(mission, None)
            self._word_template_event(actor, mission, name, "removed")
            self.stdout.write(f"{mission.ref}: the default Word template again.")
        elif options.get("file"):
            try:
                data = Path(options["file"]).read_bytes()
            except OSError as exc:
                raise CommandError(f"{options['file']}: {exc.strerror}.") from None
            name = word_template_save(mission, data)
            self._word_template_event(actor, mission, name, "stored", size=len(data))
            self.stdout.write(f"{mission.ref}: Word template stored as {name}.")
        else:
            name = word_template_name(mission)
            stored = default_storage.exists(name)
            self.stdout.write(f"{mission.ref}: {name if stored else 'the default Word template'}")

    @staticmethod
    def _word_template_event(
        actor: Any, mission: Any, name: str, change: str, **detail: Any
    ) -> None:
        """A mission's Word template changed: in the audit trail (it is not a record)."""
        from legation.core.signals import security_event

        security_event(
            "word_template",
            user=actor,
            username=actor.get_username() if actor is not None else "",
            source="command",
            mission=mission.ref,
            file=name,
            change=change,
            **detail,
        )

    def do_segment(self, actor: Any, options: dict[str, Any]) -> None:
        action, name = options["segment_action"], options.get("name")
        if action == "list":
            for s in Segment.objects.visible_to(actor).select_related("mission"):
                self.stdout.write(f"{s.mission.ref:<10} {s.name:<24} {s.filter}")
            return
        if not name:
            raise CommandError(f"segment {action}: give the segment's name.")
        if options.get("mission"):
            mission = find_mission(options["mission"], actor)
        else:
            mission = self._posting(actor, {"posting": None}).mission
        if action == "save":
            if not options.get("filter"):
                keys = ", ".join(KEYS)
                raise CommandError(
                    f"segment save: give the filter, for example 'tag=farewell' ({keys})."
                )
            segment_create(
                actor=actor,
                mission=mission,
                name=name,
                filter=options["filter"],
                description=options["description"],
            )
            self.stdout.write(f"Saved segment {name}.")
            return
        segment = Segment.objects.visible_to(actor).filter(mission=mission, name=name).first()
        if segment is None:
            raise CommandError(f"No segment {name!r} in {mission.ref}.")
        if action == "delete":
            segment_delete(actor=actor, segment=segment)
            self.stdout.write(f"Deleted segment {name}.")
        else:
            _text, people = resolve_segment(segment.filter, actor, mission=mission)
            for p in people[:1000]:
                self.stdout.write(f"{p.pk:>8} {p}")


def _console(stream: Any) -> Any:
    from rich.console import Console

    return Console(file=getattr(stream, "_out", stream), stderr=True)
