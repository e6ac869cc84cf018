"""The backup procedure in docs/operator.md (pg_dump, pg_restore) restores every row."""

import shutil
import subprocess

import pytest
from django.conf import settings
from django.db import connection

from portal.audit import record
from tests.factories import OrganisationFactory, UserFactory


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_backup_restores_with_the_same_rows(tmp_path):
    if shutil.which("pg_dump") is None:
        pytest.skip("needs the PostgreSQL client tools (Debian: apt-get install postgresql-client)")
    record(UserFactory(), "organisation.created", OrganisationFactory(name="Backed Up Borough"))
    db = connection.settings_dict
    url = f"postgres://{db['USER']}@{db['HOST'] or 'localhost'}:{db['PORT'] or 5432}/{db['NAME']}"
    result = subprocess.run(
        ["bash", str(settings.BASE_DIR / "scripts" / "backup_restore_check.sh"), url, str(tmp_path / "portal.dump")],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Backup and restore OK" in result.stdout
    assert (tmp_path / "portal.dump").stat().st_size > 0
