"""Workforce planning data: aggregate figures only, never a person."""

from workforce.models.figures import Benchmark, BenchmarkLevel, FigureSource, WorkforceFigures, WorkforceSharing
from workforce.models.imports import ImportKind, ImportStatus, WorkforceImport
from workforce.models.scenarios import Scenario

__all__ = [
    "Benchmark",
    "BenchmarkLevel",
    "FigureSource",
    "ImportKind",
    "ImportStatus",
    "Scenario",
    "WorkforceFigures",
    "WorkforceImport",
    "WorkforceSharing",
]
