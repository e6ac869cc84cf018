"""Frameworks as JSON, so partnerships can share them: export, and validation that reports every
problem at once (with where it is) before anything is imported.

The format (FORMAT names it; the shipped default framework in data/ uses it too):
{
  "format": "partnership-portal/health-check-framework", "format_version": 1,
  "family": "default", "name": "...", "description": "...",
  "areas": [{"code": "A", "title": "...", "description": "...",
             "criteria": [{"code": "A1", "statement": "...", "guidance": "...",
                           "evidence_examples": ["..."], "red": "...", "amber": "...", "green": "...",
                           "standards": ["..."],
                           "metric": {"key": "memorandum.review_on_time", "green_at": 1, "amber_at": null}}]}]
}
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from healthcheck.models import Area, Criterion, Framework
from portal.registry import get_metric

FORMAT = "partnership-portal/health-check-framework"
FORMAT_VERSION = 1
MAX_IMPORT_BYTES = 1024 * 1024
CODE_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9.\-]{0,9}$")
FAMILY_RE = re.compile(r"^[a-z0-9][a-z0-9\-]{0,59}$")


def _model_max(model, name: str) -> int:
    return model._meta.get_field(name).max_length


class FrameworkProblems(Exception):
    """Every problem found in a framework file; nothing was imported."""

    def __init__(self, problems: list[str]):
        super().__init__(f"{len(problems)} problem(s)")
        self.problems = problems


@dataclass
class _Checker:
    problems: list[str] = field(default_factory=list)

    def text(self, where: str, data: dict, key: str, label: str, *, max_length: int, required: bool = True) -> str:
        value = data.get(key, "")
        if value is None:
            value = ""
        if not isinstance(value, str):
            self.problems.append(f"{where}: {label} must be text")
            return ""
        value = value.strip()
        if "\x00" in value:
            self.problems.append(f"{where}: {label} contains an invalid control character")
        if required and not value:
            self.problems.append(f"{where}: {label} is missing")
        if len(value) > max_length:
            self.problems.append(f"{where}: {label} is longer than {max_length} characters")
        return value

    def code(self, where: str, data: dict, model, kind: str, seen: set[str]) -> str:
        """An area's or criterion's code: present, well formed and unique (ignoring case)."""
        code = self.text(where, data, "code", "code", max_length=_model_max(model, "code"))
        if code:
            where = f"{where} ({code})"
            if not CODE_RE.match(code):
                self.problems.append(f"{where}: the code may hold only letters, digits, dots and hyphens")
            if code.lower() in seen:
                self.problems.append(f"{where}: another {kind} already has the code {code}")
            seen.add(code.lower())
        return code

    def lines(self, where: str, data: dict, key: str, label: str, *, max_length: int) -> str:
        value = data.get(key, [])
        if value is None:
            return ""
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.problems.append(f"{where}: {label} must be a list of text")
            return ""
        joined = "\n".join(v.strip() for v in value if v.strip())
        if len(joined) > max_length:
            self.problems.append(f"{where}: {label} is longer than {max_length} characters in all")
        return joined

    def number(self, where: str, data: dict, key: str, label: str) -> float | None:
        value = data.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            self.problems.append(f"{where}: {label} must be a number")
            return None
        return float(value)


def check_metric(where: str, key: str, green_at: float | None, amber_at: float | None) -> list[str]:
    """Problems with a criterion's live figure and thresholds (shared by the import and the form)."""
    if not key:
        return (
            [f"{where}: thresholds are set but no live figure is chosen"]
            if (green_at, amber_at) != (None, None)
            else []
        )
    metric = get_metric(key)
    if metric is None:
        return [f"{where}: there is no live figure called “{key}” in this portal"]
    problems = []
    if green_at is None:
        problems.append(f"{where}: a live figure needs the value at which it suggests Green")
    elif amber_at is not None:
        wrong_way = amber_at > green_at if metric.higher_is_better else amber_at < green_at
        if wrong_way:
            better = "higher" if metric.higher_is_better else "lower"
            problems.append(
                f"{where}: for {metric.label.lower()}, {better} is better, so Green at must be {better} than Amber at"
            )
    if metric.unit == "percent":
        for label, value in (("Green at", green_at), ("Amber at", amber_at)):
            if value is not None and not 0 <= value <= 100:
                problems.append(f"{where}: {label} must be a percentage from 0 to 100")
    if metric.unit == "yes/no" and green_at not in (None, 0, 1):
        problems.append(f"{where}: for a yes/no figure, Green at must be 1 (yes) or 0 (no)")
    return problems


def parse_framework(raw: bytes | str) -> dict:
    """Check a framework file; return the cleaned content or raise FrameworkProblems listing
    every problem found."""
    if isinstance(raw, bytes):
        if len(raw) > MAX_IMPORT_BYTES:
            raise FrameworkProblems([f"The file is larger than {MAX_IMPORT_BYTES // 1024} KB"])
        try:
            raw = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise FrameworkProblems(["The file is not UTF-8 text, so it cannot be a framework file"]) from None
    try:
        data = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise FrameworkProblems(
            [f"Line {exc.lineno}, column {exc.colno}: this is not valid JSON ({exc.msg})"]
        ) from None
    if not isinstance(data, dict):
        raise FrameworkProblems(["The file must hold one framework (a JSON object)"])

    check = _Checker()
    if data.get("format") != FORMAT:
        check.problems.append(f"Framework: “format” must be “{FORMAT}”")
    if data.get("format_version") != FORMAT_VERSION:
        check.problems.append(f"Framework: “format_version” must be {FORMAT_VERSION}")
    family = data.get("family", "")
    if not isinstance(family, str) or not FAMILY_RE.match(family):
        check.problems.append(
            "Framework: family must be a short name of lower-case letters, digits and hyphens (e.g. default)"
        )
        family = ""
    cleaned: dict[str, Any] = {
        "family": family,
        "name": check.text("Framework", data, "name", "name", max_length=_model_max(Framework, "name")),
        "description": check.text("Framework", data, "description", "description", max_length=5000, required=False),
        "areas": [],
    }
    areas = data.get("areas")
    if not isinstance(areas, list) or not areas:
        check.problems.append("Framework: it needs at least one area (“areas” is a list)")
        areas = []
    area_codes: set[str] = set()
    criterion_codes: set[str] = set()
    for a_index, area in enumerate(areas, start=1):
        where = f"Area {a_index}"
        if not isinstance(area, dict):
            check.problems.append(f"{where}: must be an object with code, title and criteria")
            continue
        code = check.code(where, area, Area, "area", area_codes)
        where = f"Area {a_index} ({code})" if code else where
        clean_area: dict[str, Any] = {
            "code": code,
            "title": check.text(where, area, "title", "title", max_length=_model_max(Area, "title")),
            "description": check.text(where, area, "description", "description", max_length=3000, required=False),
            "criteria": [],
        }
        criteria = area.get("criteria")
        if not isinstance(criteria, list) or not criteria:
            check.problems.append(f"{where}: it needs at least one criterion (“criteria” is a list)")
            criteria = []
        for c_index, criterion in enumerate(criteria, start=1):
            c_where = f"{where}, criterion {c_index}"
            if not isinstance(criterion, dict):
                check.problems.append(f"{c_where}: must be an object with code, statement and the rubric")
                continue
            c_code = check.code(c_where, criterion, Criterion, "criterion", criterion_codes)
            c_where = f"{where}, criterion {c_index} ({c_code})" if c_code else c_where
            metric = criterion.get("metric") or {}
            if not isinstance(metric, dict):
                check.problems.append(f"{c_where}: metric must be an object with key, green_at and amber_at")
                metric = {}
            metric_key = check.text(c_where, metric, "key", "the live figure's key", max_length=100, required=False)
            green_at = check.number(c_where, metric, "green_at", "Green at")
            amber_at = check.number(c_where, metric, "amber_at", "Amber at")
            check.problems.extend(check_metric(c_where, metric_key, green_at, amber_at))
            clean_area["criteria"].append(
                {
                    "code": c_code,
                    "statement": check.text(
                        c_where, criterion, "statement", "statement", max_length=_model_max(Criterion, "statement")
                    ),
                    "guidance": check.text(c_where, criterion, "guidance", "guidance", max_length=5000, required=False),
                    "evidence_examples": check.lines(
                        c_where, criterion, "evidence_examples", "examples of evidence", max_length=3000
                    ),
                    "red_means": check.text(c_where, criterion, "red", "what Red means", max_length=2000),
                    "amber_means": check.text(c_where, criterion, "amber", "what Amber means", max_length=2000),
                    "green_means": check.text(c_where, criterion, "green", "what Green means", max_length=2000),
                    "standards": check.lines(c_where, criterion, "standards", "standards", max_length=2000),
                    "metric_key": metric_key,
                    "green_at": green_at,
                    "amber_at": amber_at,
                }
            )
        cleaned["areas"].append(clean_area)
    if check.problems:
        raise FrameworkProblems(check.problems)
    return cleaned


def build_framework(cleaned: dict, *, framework: Framework) -> Framework:
    """Create the areas and criteria of a saved (empty, draft) framework from parse_framework output."""
    for a_pos, area_data in enumerate(cleaned["areas"], start=1):
        area = Area.objects.create(
            framework=framework,
            code=area_data["code"],
            title=area_data["title"],
            description=area_data["description"],
            position=a_pos,
        )
        Criterion.objects.bulk_create(
            Criterion(area=area, position=c_pos, **criterion_data)
            for c_pos, criterion_data in enumerate(area_data["criteria"], start=1)
        )
    return framework


def export_framework(framework: Framework) -> dict:
    """The framework in the sharing format (the inverse of parse_framework)."""
    areas = []
    for area in framework.areas.prefetch_related("criteria"):
        criteria = []
        for c in area.criteria.all():
            item: dict[str, Any] = {
                "code": c.code,
                "statement": c.statement,
                "guidance": c.guidance,
                "evidence_examples": c.evidence_example_list,
                "red": c.red_means,
                "amber": c.amber_means,
                "green": c.green_means,
                "standards": c.standard_list,
            }
            if c.metric_key:
                item["metric"] = {"key": c.metric_key, "green_at": c.green_at, "amber_at": c.amber_at}
            criteria.append(item)
        areas.append({"code": area.code, "title": area.title, "description": area.description, "criteria": criteria})
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "family": framework.family,
        "version": framework.version,
        "name": framework.name,
        "description": framework.description,
        "areas": areas,
    }
