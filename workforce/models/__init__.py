"""Workforce planning data: aggregate figures only, never a person."""

from workforce.models.figures import Benchmark, BenchmarkLevel, FigureSource, WorkforceFigures, WorkforceSharing
from workforce.models.imports import ImportStatus, WorkforceImport
from workforce.models.scenarios import Scenario

__all__ = [
    "Benchmark",
    "BenchmarkLevel",
    "FigureSource",
    "ImportStatus",
    "Scenario",
    "WorkforceFigures",
    "WorkforceImport",
    "WorkforceSharing",
]
