"""A year's workforce figures for an employer's service in a partnership, and the national and
regional benchmarks from the DfE's publication. Each measure is two columns: the number, and the
publication's symbol in its place (c, x, z, low, u), never both."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q

from partnerships.models import Organisation, Partnership, ScopedQuerySet
from portal import academic_years
from workforce.measures import MEASURES, Service, Symbol


class FigureSource(models.TextChoices):
    ENTERED = "entered", "Entered by the partnership"
    DFE = "dfe", "DfE children's social work workforce data"
    TEMPLATE = "template", "Imported from the workforce figures template"
    STAFF_LIST = "staff-list", "Worked out from a pseudonymised staff list"


def _validate_year(label: str) -> None:
    if problem := academic_years.problem(label):
        raise ValidationError(problem)


class MeasuresBase(models.Model):
    """The measures' columns (added below from workforce.measures.MEASURES)."""

    class Meta:
        abstract = True

    def value(self, name: str):
        return getattr(self, name)

    def symbol(self, name: str) -> str:
        return getattr(self, f"{name}_symbol")

    def clean(self):
        both = [m.label for m in MEASURES if self.value(m.name) is not None and self.symbol(m.name)]
        if both:
            raise ValidationError(f"A figure is either a number or a symbol, not both: {', '.join(both)}")


for _m in MEASURES:
    MeasuresBase.add_to_class(
        _m.name,
        models.DecimalField(_m.label, max_digits=9, decimal_places=1 if not _m.whole else 0, null=True, blank=True),
    )
    MeasuresBase.add_to_class(
        f"{_m.name}_symbol",
        models.CharField(f"{_m.label}: symbol", max_length=3, choices=Symbol.choices, blank=True),
    )


def _one_or_other(prefix: str) -> list[models.CheckConstraint]:
    return [
        models.CheckConstraint(
            condition=Q(**{f"{m.name}__isnull": True}) | Q(**{f"{m.name}_symbol": ""}),
            name=f"{prefix}_{m.name}_number_or_symbol",
        )
        for m in MEASURES
    ]


class FiguresQuerySet(ScopedQuerySet["WorkforceFigures"]):
    pass


class WorkforceFigures(MeasuresBase):
    """One employer's service in one year: aggregates only, never a person."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="workforce_figures")
    employer = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="workforce_figures")
    service = models.CharField(max_length=10, choices=Service.choices)
    year = models.CharField("year", max_length=7, validators=[_validate_year], help_text="For example 2024/25")
    source = models.CharField(max_length=10, choices=FigureSource.choices, default=FigureSource.ENTERED)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    revision = models.PositiveIntegerField(default=1)

    objects = FiguresQuerySet.as_manager()

    class Meta:
        verbose_name = "workforce figures"
        verbose_name_plural = "workforce figures"
        ordering = ["employer__name", "service", "year"]
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "employer", "service", "year"], name="wf_figures_one_per_year"
            ),
            *_one_or_other("wf"),
        ]

    def __str__(self) -> str:
        return f"{self.employer} {self.get_service_display().lower()} {self.year}"


class SharingQuerySet(ScopedQuerySet["WorkforceSharing"]):
    pass


class WorkforceSharing(models.Model):
    """An employer's choice: its figures shown to the partnership, or only inside the totals."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="+")
    employer = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    only_in_totals = models.BooleanField("show our figures only inside the partnership's totals", default=False)
    revision = models.PositiveIntegerField(default=1)

    objects = SharingQuerySet.as_manager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["partnership", "employer"], name="wf_sharing_one")]

    def __str__(self) -> str:
        return f"{self.employer} in {self.partnership}: " + ("only in totals" if self.only_in_totals else "shown")


class BenchmarkLevel(models.TextChoices):
    NATIONAL = "National", "National"
    REGIONAL = "Regional", "Regional"


class Benchmark(MeasuresBase):
    """A national or regional row of the DfE publication: public data, read by anyone signed in."""

    year = models.CharField(max_length=7, validators=[_validate_year])
    level = models.CharField(max_length=10, choices=BenchmarkLevel.choices)
    code = models.CharField(max_length=9)  # E92000001 (England) or a region's E12 code
    name = models.CharField(max_length=100)
    imported_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["year", "level", "name"]
        constraints = [
            models.UniqueConstraint(fields=["year", "level", "code"], name="wf_benchmark_one"),
            *_one_or_other("wfb"),
        ]

    def __str__(self) -> str:
        return f"{self.name} {self.year}"
