"""A named set of forecast parameters, saved to compare with the baseline. Saving one changes no
stored figure: a scenario is only its parameters."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from partnerships.models import Partnership, ScopedQuerySet


class ScenarioQuerySet(ScopedQuerySet["Scenario"]):
    pass


class Scenario(models.Model):
    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="workforce_scenarios")
    name = models.CharField(max_length=100)
    parameters = models.JSONField(default=dict)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    revision = models.PositiveIntegerField(default=1)

    objects = ScenarioQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["partnership", "name"], name="wf_scenario_name_unique")]

    def __str__(self) -> str:
        return self.name
