"""The DfE children's social work workforce indicators file, in its published layout."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from portal.models import AuditEvent
from workforce.actions import Action
from workforce.importers.batch import run_import, upload
from workforce.measures import Service
from workforce.models import Benchmark, FigureSource, ImportStatus, WorkforceFigures

FIXTURE = Path(__file__).parent / "fixtures" / "dfe_csww_indicators.csv"

pytestmark = pytest.mark.django_db


def _file(data: bytes | None = None, name="dfe.csv"):
    return SimpleUploadedFile(name, FIXTURE.read_bytes() if data is None else data, content_type="text/csv")


@pytest.fixture
def brent(world):
    world.employer.gss_code = "E09000005"
    world.employer.save()
    return world.employer


def test_the_published_file_imports_figures_benchmarks_and_symbols(world, brent):
    lead = world.user("lead")
    batch = upload(lead, world.partnership, file=_file())
    assert batch.status == ImportStatus.CHECKED, batch.errors
    assert (batch.employer_rows, batch.benchmark_rows, batch.other_rows) == (2, 3, 1)
    assert not WorkforceFigures.objects.exists()  # the preview writes nothing
    result = run_import(lead, batch)
    assert result.ok
    older = WorkforceFigures.objects.get(employer=brent, year="2022/23")
    assert older.service == Service.CHILDREN and older.source == FigureSource.DFE
    assert older.inpost_fte == Decimal("212.5") and older.inpost_headcount == 224
    # Suppressed and unavailable cells are kept as their symbols, not zero.
    assert older.vacancy_fte is None and older.vacancy_fte_symbol == "c"
    assert older.vacancy_rate_fte is None and older.vacancy_rate_fte_symbol == "x"
    newer = WorkforceFigures.objects.get(employer=brent, year="2023/24")
    assert newer.absence_rate_fte is None and newer.absence_rate_fte_symbol == "low"
    # Ealing is not in the partnership: its row is left as it is.
    assert WorkforceFigures.objects.count() == 2
    england = Benchmark.objects.get(level="National", year="2023/24")
    assert england.code == "E92000001" and england.inpost_fte == Decimal("33042.3")
    london = Benchmark.objects.get(level="Regional")
    assert london.name == "London" and london.turnover_rate_fte == Decimal("18.0")
    assert AuditEvent.objects.filter(action=Action.IMPORT_COMPLETED).count() == 1


def test_importing_again_updates_rather_than_duplicates(world, brent):
    lead = world.user("lead")
    run_import(lead, upload(lead, world.partnership, file=_file()))
    run_import(lead, upload(lead, world.partnership, file=_file()))
    assert WorkforceFigures.objects.count() == 2
    assert Benchmark.objects.count() == 3


def test_every_bad_row_is_reported_by_line_and_nothing_is_written(world, brent):
    lines = FIXTURE.read_text().splitlines()
    lines[1] = lines[1].replace("32502.1", "lots")  # line 2
    lines[4] = lines[4].replace("Local authority", "Ward")  # line 5
    lines[5] = lines[5].replace("E09000005", "E0900005")  # line 6
    batch = upload(world.user("lead"), world.partnership, file=_file("\n".join(lines).encode()))
    assert batch.status == ImportStatus.HAS_ERRORS
    assert [line for line, _ in batch.errors] == [2, 5, 6]
    assert "inpost_fte 'lots' is not a number or one of the symbols" in batch.errors[0][1]
    assert "geographic_level 'Ward'" in batch.errors[1][1]
    assert "new_la_code 'E0900005' is not a GSS code" in batch.errors[2][1]
    result = run_import(world.user("lead"), batch)
    assert not result.ok
    assert not WorkforceFigures.objects.exists() and not Benchmark.objects.exists()


def test_a_file_without_the_published_columns_is_refused(world):
    with pytest.raises(ValidationError, match="Missing: time_period"):
        upload(world.user("lead"), world.partnership, file=_file(b"year,la,fte\n2023,Brent,3\n"))


def test_a_member_may_not_import(world):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        upload(world.user("member"), world.partnership, file=_file())
