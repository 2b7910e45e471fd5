"""Letter merge throughput, end to end, beside a WeasyPrint baseline measured in the same run.

    python3 bench/bench_letters.py [--letters 10000] [--per-core 1000] [--docx 500]

In a fresh SQLite database under a temporary LEGATION_HOME: a mission with a bilingual
letterhead, its ambassador's posting with engagements in 22 states, and N people with postal
addresses. Then, each end to end (query, context, placeholders, render, write, record):

1. one-page PDF letters with one worker process: letters per second per core;
2. the same letter rendered by WeasyPrint (HTML with the same letterhead and text) for a sample:
   letters per second, and the ratio (WeasyPrint is timed on rendering alone, which favours it);
3. N letters with one Typst worker per core: the wall time (target: 10,000 under 60 s);
4. DOCX letters with one worker (the Word template read once): letters per second.

WeasyPrint is an optional benchmark dependency (`pip install -e '.[bench]'`); without it, step 2
is skipped. Targets: >= 150 letters/s per core, >= 10x WeasyPrint, DOCX >= 100 letters/s.
"""

from __future__ import annotations

import argparse
import datetime as dt
import html
import os
import sys
import tempfile
import time
from pathlib import Path

HOME = tempfile.mkdtemp(prefix="legation-bench-")
os.environ["LEGATION_HOME"] = HOME
os.environ.pop("DATABASE_URL", None)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "legation.settings")
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.utils import timezone  # noqa: E402

LETTER_DATE = dt.date(2022, 12, 30)
STATES = [
    "CA",
    "NY",
    "TX",
    "FL",
    "IL",
    "WA",
    "GA",
    "MA",
    "MI",
    "OH",
    "PA",
    "IA",
    "MN",
    "CO",
    "AZ",
    "UT",
    "OR",
    "KY",
    "MO",
    "NC",
    "TN",
    "NE",
]


def setup(people: int):
    from legation.core.access import SYSTEM, sync_roles
    from legation.core.models import Region
    from legation.core.vocab import seed_regions, seed_sectors
    from legation.engagements.models import Engagement, EngagementStaff, Fact, Mission, Posting
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
        mission=mission,
        person=ambassador,
        ref="P-HOM",
        role="head_of_mission",
        title="Ambassador",
        title_zh="大使",
        arrival=dt.date(2021, 7, 28),
    )
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
    rows = [
        Person(
            mission=mission,
            family_name=f"Family{i:05d}",
            given_name="Alex",
            title=titles[i % len(titles)],
            search_keys=f"alex family{i:05d}",
        )
        for i in range(people)
    ]
    rows = Person.objects.bulk_create(rows, batch_size=2000)
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
    return SYSTEM, posting, [p.pk for p in rows]


def merge(actor, posting, ids, *, fmt="pdf", workers=1, out: str, draft=False):
    from legation.letters.merge import Recipient, produce
    from legation.letters.templates import find_template
    from legation.people.models import Person

    started, cpu_before = time.perf_counter(), cpu_seconds()
    # The query is part of what is measured: the recipients, as a segment would give them.
    people = list(Person.objects.visible_to(actor).filter(pk__in=ids).order_by("pk"))
    result = produce(
        actor=actor,
        templates={"en": find_template("farewell")},
        recipients=[Recipient(p, personal="Thank you for your friendship.") for p in people],
        posting=posting,
        letter_date=LETTER_DATE,
        fmt=fmt,
        out_dir=Path(out),
        workers=workers,
        draft=draft,
    )
    elapsed = time.perf_counter() - started
    assert len(result.rendered) == len(ids), (len(result.rendered), result.failed[:3])
    cpu = cpu_seconds() - cpu_before
    print(f"   (CPU time, this process and its renderers: {cpu:.2f} s = "
          f"{len(ids) / cpu:,.0f} letters per CPU-second)")  # fmt: skip
    return elapsed, result


def cpu_seconds() -> float:
    """CPU time of this process and of its finished children (renderer processes): a figure
    that a machine busy with other work does not distort, unlike the wall time."""
    import resource

    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def letter_html(letter) -> str:
    from legation.letters import markup

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


def weasyprint_rate(letters) -> float | None:
    try:
        import weasyprint
    except ImportError:
        print("  weasyprint is not installed (pip install -e '.[bench]'): baseline skipped")
        return None
    weasyprint.HTML(string=letter_html(letters[0])).write_pdf()  # warm fonts
    started = time.perf_counter()
    for letter in letters:
        pdf = weasyprint.HTML(string=letter_html(letter)).write_pdf()
        assert pdf[:5] == b"%PDF-"
    return len(letters) / (time.perf_counter() - started)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--letters", type=int, default=10_000, help="the two-core merge size")
    parser.add_argument("--per-core", type=int, default=1_000, help="the one-core merge size")
    parser.add_argument("--docx", type=int, default=500, help="the DOCX merge size")
    parser.add_argument("--weasyprint", type=int, default=30, help="letters for the baseline")
    args = parser.parse_args()
    cores = os.cpu_count() or 1
    print(f"legation letters benchmark ({cores} cores, LEGATION_HOME={HOME})")
    started = time.perf_counter()
    actor, posting, ids = setup(max(args.letters, args.per_core, args.docx))
    print(f"  set-up: {len(ids):,} people in {time.perf_counter() - started:.1f} s")

    elapsed, _ = merge(actor, posting, ids[: args.per_core], out=f"{HOME}/one", workers=1)
    per_core = args.per_core / elapsed
    print(
        f"1. PDF, 1 worker, recorded: {args.per_core:,} letters in {elapsed:.2f} s = "
        f"{per_core:,.0f} letters/s per core (target >= 150)"
    )

    from legation.letters.compose import compose
    from legation.letters.context import LetterBasis, letter_context, load_people
    from legation.letters.templates import find_template

    basis = LetterBasis.build(posting, actor=actor, letter_date=LETTER_DATE)
    template, shared = find_template("farewell"), basis.shared("en")
    sample = [
        compose(
            template,
            letter_context(basis, p, language="en", personal="Thank you.", shared=shared),
            basis.layout,
        )
        for p in load_people(ids[: args.weasyprint], actor)
    ]
    rate = weasyprint_rate(sample)
    if rate:
        ratio = per_core / rate
        print(
            f"2. WeasyPrint, same letter, rendering only: {rate:,.1f} letters/s; "
            f"Typst end to end is {ratio:,.1f}x faster (target >= 10x)"
        )

    elapsed, _ = merge(actor, posting, ids[: args.letters], out=f"{HOME}/all", workers=cores)
    print(
        f"3. PDF, {cores} workers, recorded: {args.letters:,} letters in {elapsed:.1f} s = "
        f"{args.letters / elapsed:,.0f} letters/s (target: 10,000 under 60 s)"
    )

    elapsed, _ = merge(actor, posting, ids[: args.docx], fmt="docx", out=f"{HOME}/docx", workers=1)
    print(
        f"4. DOCX, 1 worker, recorded: {args.docx:,} letters in {elapsed:.2f} s = "
        f"{args.docx / elapsed:,.0f} letters/s (target >= 100)"
    )


if __name__ == "__main__":
    main()
