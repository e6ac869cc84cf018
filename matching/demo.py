"""Demo preference round for `manage.py seed_demo`: in the first demo partnership, an open round
for next year's final placements (the story's 2027/28, which has offers and no placements yet),
taking in the students whose first placement is this year, about two thirds of whom have ranked
three offers. It closes three weeks after the day the demo is first built, so it is open on any
day (portal.demo_clock); the choices are keyed on the story's labels, so they do not change from
year to year. Idempotent: running it again changes nothing."""

from __future__ import annotations

import datetime as dt
import random

from django.utils import timezone

from matching.models import Choice, PreferenceRound, RoundStatus, RoundStudent
from matching.selectors import candidates, offers_with_room
from partnerships.models import Partnership
from placements.demo import _demo_slugs, _story_label
from placements.models import AcademicYear, Stage
from portal import demo_clock

STORY_YEAR = "2027/28"
CHOICES = 3


def seed(stdout) -> None:
    slugs = _demo_slugs()
    by_slug = {p.slug: p for p in Partnership.objects.filter(slug__in=slugs)}
    partnership = next((by_slug[s] for s in slugs if s in by_slug), None)
    year = AcademicYear.objects.filter(label=demo_clock.shift_year_label(STORY_YEAR)).first()
    if partnership is None or year is None:
        stdout.write("matching: no demo partnership or year; no preference round")
        return
    round_, created = PreferenceRound.objects.get_or_create(
        partnership=partnership,
        academic_year=year,
        stage=Stage.FINAL,
        defaults={
            "closes_on": demo_clock.demo_today() + dt.timedelta(days=21),
            "status": RoundStatus.OPEN,
            "max_choices": CHOICES,
        },
    )
    if not created:
        stdout.write(f"matching: the demo preference round in {partnership.slug} is already there")
        return
    students = list(candidates(partnership, year, Stage.FINAL).order_by("reference"))
    entries = RoundStudent.objects.bulk_create([RoundStudent(round=round_, student=s) for s in students])
    offers = sorted(offers_with_room(round_), key=lambda o: o.pk)
    answered = 0
    for entry in entries:
        rng = random.Random(f"{partnership.slug}-{_story_label(year.label)}-{entry.student.reference}")  # noqa: S311
        if rng.random() > 0.65 or len(offers) < CHOICES:
            continue
        ranked = rng.sample(offers, CHOICES)
        Choice.objects.bulk_create([Choice(entry=entry, offer=o, rank=i) for i, o in enumerate(ranked, start=1)])
        entry.drives = rng.choice(["yes", "no", ""])
        entry.travel_area = rng.choice(["", "Within the city by bus or train", "Anywhere in the county"])
        entry.answered_at = timezone.now()
        entry.save(update_fields=["drives", "travel_area", "answered_at"])
        answered += 1
    stdout.write(
        f"matching: an open preference round in {partnership.slug} ({len(entries)} students, {answered} answered)"
    )
