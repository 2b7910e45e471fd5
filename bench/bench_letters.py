"""Letter merges end to end: the recorded merge beside the draft path and a WeasyPrint baseline.

    python3 -m bench.run letters                  # through the bench runner
    python3 bench/bench_letters.py [--recipients 300] [--repeat 3] [--workers N]
                                   [--weasyprint 30] [--docx 0] [--big 0]

In a fresh database (SQLite under a temporary LEGATION_HOME, or a PostgreSQL database named
after LEGATION_BENCH_DATABASE_URL with ``_letters`` appended, dropped and created again): a
mission with a bilingual letterhead, its ambassador's posting with engagements in 22 states, N
people with postal addresses, and an officer (not the operator) who merges. Then, each end to
end as the officer (the recipients' query, contexts, placeholders, typesetting, files, and for a
recorded merge one audited transaction recording a "letter sent" engagement, its participant,
its staff, its LetterRecord with the file under MEDIA_ROOT and every historical row):

1. draft merge, PDF (``produce(draft=True)``): letters/s;
2. recorded merge, PDF (``produce``, as ``legation letters merge`` runs it): letters/s, and its
   ratio to the draft path (target: >= 150 letters/s);
3. the web merge job, PDF (``run_merge_job``, what the worker runs once the officer has
   approved the rows: the gate, the letters, the recording with the rows and the job, the zip):
   letters/s;
4. WeasyPrint, the same letters as HTML, rendering only, one core (it favours WeasyPrint):
   letters/s, and the recorded merge's ratio to it;
5. optionally ``--docx N`` Word letters recorded, and ``--big N`` letters recorded with one
   renderer per core (the 10,000-under-60-s figure).

Each figure is the median of ``--repeat`` runs. Beside the wall-clock rate, the rate per CPU
second (this process and its renderer processes) is printed: on a machine shared with other
work the wall clock measures the machine, the CPU seconds the code. WeasyPrint is an optional
benchmark dependency (``pip install -e '.[bench]'``); without it, step 4 is skipped.
"""

from __future__ import annotations

import argparse
import datetime as dt
import html
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LETTER_DATE = dt.date(2022, 12, 30)
TARGET = 150.0
STATES = [
    "CA", "NY", "TX", "FL", "IL", "WA", "GA", "MA", "MI", "OH", "PA", "IA", "MN", "CO", "AZ",
    "UT", "OR", "KY", "MO", "NC", "TN", "NE",
]  # fmt: skip


def run(size: str):
    """For ``python3 -m bench.run letters``: the benchmark in its own process (its own fresh
    database), its figures read back as JSON. ``size`` does not apply (no demo is used)."""
    from bench.common import Figure, Report, engine

    out = subprocess.run(
        [sys.executable, str(Path(__file__)), "--json"], check=True, capture_output=True, text=True
    )
    sys.stderr.write(out.stderr)
    data = json.loads(out.stdout.strip().splitlines()[-1])
    report = Report(f"letter merges, {data['recipients']} recipients, PDF ({engine()})")
    for f in data["figures"]:
        report.add(Figure(**f))
    return report


# -- set-up ------------------------------------------------------------------------------------


def _database() -> str | None:
    url = os.environ.get("LEGATION_BENCH_DATABASE_URL")
    if not url:
        return None
    import psycopg

    parsed = urllib.parse.urlparse(url)
    name = parsed.path.lstrip("/") + "_letters"
    admin = parsed._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    return parsed._replace(path=f"/{name}").geturl()


def setup_django() -> str:
    home = tempfile.mkdtemp(prefix="legation-bench-letters-")
    os.environ["LEGATION_HOME"] = home
    os.environ.pop("DATABASE_URL", None)
    url = _database()
    if url:
        os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "legation.settings")
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()
    return home


def setup(people: int):
    """The mission, the ambassador's posting, ``people`` addressed recipients, the officer."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.core.management import call_command
    from django.utils import timezone

    from legation.core.access import sync_roles
    from legation.core.models import Mission, Profile, Region, Sensitivity
    from legation.core.vocab import seed_regions, seed_sectors
    from legation.engagements.models import Engagement, EngagementStaff, Fact, Posting
    from legation.people.models import Person, PostalAddress

    call_command("migrate", verbosity=0)
    seed_sectors(), seed_regions("US"), sync_roles()
    mission = Mission.objects.create(
        ref="EMB",
        name_en="Embassy of the People's Republic of China in the United States of America",
        name_zh="中华人民共和国驻美利坚合众国大使馆",
    )
    ambassador = Person.objects.create(
        mission=mission, family_name="Qin", given_name="Gang", name_zh="秦刚", name_order="eastern"
    )
    posting = Posting.objects.create(
        mission=mission, person=ambassador, ref="P-HOM", role="head_of_mission",
        title="Ambassador", title_zh="大使", arrival=dt.date(2021, 7, 28),
    )  # fmt: skip
    for i, code in enumerate(STATES):
        e = Engagement.objects.create(
            mission=mission,
            kind="meeting",
            subject=f"Visit {code}",
            region=Region.objects.get(code=f"US-{code}"),
            start=timezone.make_aware(dt.datetime(2021, 9, 1, 10) + dt.timedelta(days=14 * i)),
        )
        EngagementStaff.objects.create(engagement=e, posting=posting)
    Fact.objects.create(key="diplomatic-relations", label_en="Relations", date=dt.date(1979, 1, 1))
    titles = ["Senator", "Governor", "Dr.", "Mayor", "Representative", "Ms.", "Mr.", "Professor"]
    rows = Person.objects.bulk_create(
        [
            Person(
                mission=mission,
                family_name=f"Family{i:05d}",
                given_name="Alex",
                title=titles[i % len(titles)],
                search_keys=f"alex family{i:05d}",
            )
            for i in range(people)
        ],
        batch_size=2000,
    )
    ga = Region.objects.get(code="US-GA")
    PostalAddress.objects.bulk_create(
        [
            PostalAddress(
                person=p,
                lines="1 Main Street",
                city="Atlanta",
                region=ga,
                postal_code="30307",
                country="US",
            )
            for p in rows
        ],
        batch_size=2000,
    )
    officer = get_user_model().objects.create_user(username="officer", password="x-Bench-pass-42")  # noqa: S106
    officer.groups.add(Group.objects.get(name="officer"))
    Profile.objects.create(user=officer, clearance=Sensitivity.RESTRICTED)
    mission.members.add(officer)
    officer = get_user_model().objects.get(pk=officer.pk)  # a fresh login's view of its rights
    return officer, posting, [p.pk for p in rows]


# -- measuring ---------------------------------------------------------------------------------


def cpu_seconds() -> float:
    """CPU time of this process, of its finished children (renderer processes) and of the
    renderers the job worker keeps running between jobs (read from /proc)."""
    import resource

    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime + kept_cpu()


def kept_cpu() -> float:
    from legation.letters.merge import jobs

    pool = jobs._kept._pool
    total = 0.0
    for renderer in list(pool._live) if pool is not None else []:
        try:
            fields = Path(f"/proc/{renderer.proc.pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total


@dataclass
class Rate:
    letters: int
    wall: list[float]
    cpu: list[float]

    @property
    def per_s(self) -> float:
        return self.letters / statistics.median(self.wall)

    @property
    def per_cpu_s(self) -> float:
        return self.letters / statistics.median(self.cpu)


def measure(fn, letters: int, repeat: int) -> Rate:
    rate = Rate(letters, [], [])
    for i in range(repeat):
        started, cpu = time.perf_counter(), cpu_seconds()
        fn(i)
        rate.wall.append(time.perf_counter() - started)
        rate.cpu.append(cpu_seconds() - cpu)
    return rate


def merge(actor, posting, ids, *, out: Path, workers: int, fmt="pdf", draft=False) -> None:
    """What ``legation letters merge`` does once the recipients are chosen."""
    from legation.core.audit import audit
    from legation.letters.compose.letter_template import find_template
    from legation.letters.merge.production import Recipient, produce
    from legation.people.models import Person

    with audit(actor=actor, source="command", description="letters merge"):
        # The query is part of what is measured: the recipients, as a segment gives them.
        people = list(Person.objects.visible_to(actor).filter(pk__in=ids).order_by("pk"))
        result = produce(
            actor=actor,
            templates={"en": find_template("farewell")},
            recipients=[Recipient(p, personal="Thank you for your friendship.") for p in people],
            posting=posting,
            letter_date=LETTER_DATE,
            fmt=fmt,
            out_dir=out,
            workers=workers,
            draft=draft,
        )
    assert len(result.rendered) == len(ids), (len(result.rendered), result.failed[:3])
    assert result.recorded == (0 if draft else len(ids))


def approved_job(actor, posting):
    """A web merge job with every row approved (the officer's review: not measured)."""
    from legation.core.audit import audit
    from legation.letters.compose.letter_template import find_template
    from legation.letters.merge.jobs import merge_job_start
    from legation.letters.merge.review import merge_job_approve_all, merge_job_create

    with audit(actor=actor, source="web", description="bench"):
        job = merge_job_create(
            actor=actor, template=find_template("farewell"), segment="has=address",
            posting=posting, letter_date=LETTER_DATE, fmt="pdf",
        )  # fmt: skip
        merge_job_approve_all(actor=actor, job=job)
        return merge_job_start(actor=actor, job=job)


def letter_html(letter) -> str:
    from legation.letters.compose import markup

    paragraphs = "".join(f"<p>{html.escape(markup.plain(b['runs']))}</p>" for b in letter.blocks)
    signature = "<br>".join(html.escape(s) for s in letter.signature)
    return f"""<html><head><style>
    @page {{ size: letter; margin: 1.8cm 2.7cm 2.2cm 2.7cm; }}
    body {{ font-family: 'Libertinus Serif', 'DejaVu Serif', 'Noto Serif CJK SC'; font-size: 11.5pt; }}
    .zh {{ font-family: 'Noto Serif CJK SC'; font-weight: bold; font-size: 17pt; text-align: center; }}
    .en {{ font-size: 12.5pt; text-align: center; border-bottom: 3px double #8b1a1a; }}
    p {{ text-align: justify; margin: 0 0 0.6em 0; }}
    </style></head><body>
    <div class="zh">{html.escape(letter.layout.letterhead_zh)}</div>
    <div class="en">{html.escape(letter.layout.letterhead_en)}</div>
    <p>{html.escape(letter.date)}</p><p>{html.escape(letter.salutation)}</p>{paragraphs}
    <p style="margin-top:3em">{signature}</p></body></html>"""


def weasyprint_rate(letters, repeat: int) -> Rate | None:
    try:
        import weasyprint
    except ImportError:
        return None
    weasyprint.HTML(string=letter_html(letters[0])).write_pdf()  # fonts warmed

    def render(_i: int) -> None:
        for letter in letters:
            assert weasyprint.HTML(string=letter_html(letter)).write_pdf()[:5] == b"%PDF-"

    return measure(render, len(letters), repeat)


def figure(**fields: object) -> dict[str, object]:
    """A figure as ``bench.common.Figure`` takes it (sent back as JSON to ``run``)."""
    return fields


def load_average() -> str:
    try:
        return " ".join(f"{x:.1f}" for x in os.getloadavg())
    except OSError:
        return "?"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--recipients", type=int, default=300)
    parser.add_argument("--repeat", type=int, default=3, help="runs of each figure (median)")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--weasyprint", type=int, default=30, help="letters for the baseline")
    parser.add_argument("--docx", type=int, default=0, help="Word letters recorded (0: skipped)")
    parser.add_argument("--big", type=int, default=0, help="a big recorded merge (0: skipped)")
    parser.add_argument("--json", action="store_true", help="also the figures as JSON (last line)")
    args = parser.parse_args()
    home = setup_django()
    from django.db import connection

    say = (lambda *a: print(*a, file=sys.stderr)) if args.json else print
    n, repeat, workers = args.recipients, args.repeat, args.workers
    started = time.perf_counter()
    officer, posting, ids = setup(max(n, args.docx, args.big))
    say(
        f"legation letters benchmark: {n} recipients, {workers} renderers, {repeat} runs each, "
        f"{connection.vendor}, LEGATION_HOME={home}; set-up {time.perf_counter() - started:.1f} s; "
        f"load average {load_average()}"
    )
    all_ids, ids = ids, ids[:n]
    out = Path(home) / "out"
    merge(officer, posting, ids[:10], out=out / "warm", workers=1, draft=True)  # imports, caches

    draft = measure(
        lambda i: merge(officer, posting, ids, out=out / f"draft{i}", workers=workers, draft=True),
        n,
        repeat,
    )
    recorded = measure(
        lambda i: merge(officer, posting, ids, out=out / f"recorded{i}", workers=workers),
        n,
        repeat,
    )
    from legation.letters.merge.jobs import run_merge_job
    from legation.letters.models import LetterRecord

    jobs = [approved_job(officer, posting) for _ in range(repeat)]

    def web_job(i: int) -> None:
        status = run_merge_job(jobs[i].pk, officer.pk, workers=workers)
        jobs[i].refresh_from_db()
        assert status == "done", (status, jobs[i].run_error)

    web = measure(web_job, n, repeat)
    for job in jobs:
        assert LetterRecord.objects.filter(job=job).count() == n

    from legation.letters.compose.context import LetterBasis, letter_context, load_people
    from legation.letters.compose.letter import compose
    from legation.letters.compose.letter_template import find_template

    basis = LetterBasis.build(posting, actor=officer, letter_date=LETTER_DATE)
    template, shared = find_template("farewell"), basis.shared("en")
    sample = [
        compose(
            template,
            letter_context(basis, p, language="en", personal="Thank you.", shared=shared),
            basis.layout,
        )
        for p in load_people(ids[: args.weasyprint], officer)
    ]
    weasy = weasyprint_rate(sample, repeat) if args.weasyprint else None

    figures = [
        figure(
            name="draft merge (produce, draft)",
            value=draft.per_s,
            unit="letters/s",
            note=f"{draft.per_cpu_s:,.0f} letters per CPU-second",
        ),
        figure(
            name="recorded merge (produce, recorded)",
            value=recorded.per_s,
            unit="letters/s",
            baseline=draft.per_s,
            target=f">= {TARGET:.0f} letters/s",
            ok=recorded.per_s >= TARGET,
            note=f"{recorded.per_cpu_s:,.0f} letters per CPU-second; baseline: the draft",
        ),
        figure(
            name="web merge job (run_merge_job)",
            value=web.per_s,
            unit="letters/s",
            baseline=draft.per_s,
            target=f">= {TARGET:.0f} letters/s",
            ok=web.per_s >= TARGET,
            note=f"{web.per_cpu_s:,.0f} letters per CPU-second; baseline: the draft",
        ),
    ]
    if weasy is not None:
        figures.append(
            figure(
                name="recorded merge beside WeasyPrint",
                value=recorded.per_s,
                unit="letters/s",
                baseline=weasy.per_s,
                target=">= 10x",
                ok=recorded.per_s >= 10 * weasy.per_s,
                note=f"WeasyPrint, rendering only, one core: {weasy.per_s:,.1f} letters/s",
            )
        )
    elif args.weasyprint:
        say("  WeasyPrint is not installed (pip install -e '.[bench]'): its baseline is skipped")
    if args.docx:
        docx = measure(
            lambda i: merge(
                officer,
                posting,
                all_ids[: args.docx],
                out=out / f"docx{i}",
                workers=workers,
                fmt="docx",
            ),
            args.docx,
            1,
        )
        figures.append(
            figure(
                name="recorded merge, DOCX",
                value=docx.per_s,
                unit="letters/s",
                target=">= 100 letters/s",
                ok=docx.per_s >= 100,
            )
        )
    if args.big:
        big = measure(
            lambda i: merge(
                officer, posting, all_ids[: args.big], out=out / "big", workers=workers
            ),
            args.big,
            1,
        )
        seconds = args.big / big.per_s
        figures.append(
            figure(
                name=f"recorded merge of {args.big:,}",
                value=seconds,
                unit="s",
                target="10,000 under 60 s",
                ok=seconds * 10_000 / args.big < 60,
            )
        )
    for f in figures:
        base = (
            f" ({f['value'] / f['baseline']:.2f}x of {f['baseline']:,.1f})"
            if f.get("baseline")
            else ""
        )
        verdict = "" if f.get("ok") is None else (" OK" if f["ok"] else " MISSED")
        target = f" target {f['target']}" if f.get("target") else ""
        say(f"  {f['name']:<36} {f['value']:>8,.1f} {f['unit']}{base}{target}{verdict}")
        if f.get("note"):
            say(f"  {'':<36} {f['note']}")
    say(
        f"  runs (wall s): draft {fmt_runs(draft.wall)}; recorded {fmt_runs(recorded.wall)}; "
        f"web job {fmt_runs(web.wall)}; load average now {load_average()}"
    )
    if args.json:
        print(json.dumps({"recipients": n, "figures": figures}))


def fmt_runs(values: list[float]) -> str:
    return " ".join(f"{v:.2f}" for v in values)


if __name__ == "__main__":
    main()
