"""GSS codes for local authorities and UKPRNs for universities: their form, one organisation each."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from partnerships.services import update_organisation

pytestmark = pytest.mark.django_db


def _data(org, **changes):
    fields = ["name", "kind", "la_services", "region", "website", "address", "contact_name", "contact_email"]
    return {**{f: getattr(org, f) for f in fields}, "contact_phone": "", "gss_code": "", "ukprn": "", **changes}


def test_a_council_gets_its_gss_code(world):
    saved = update_organisation(
        world.user("lead"), world.employer, data=_data(world.employer, gss_code="e09000005"), base_revision=1
    )
    assert saved.gss_code == "E09000005"


@pytest.mark.parametrize("code", ["E0900005", "X09000005", "E09000005A", "09000005"])
def test_a_gss_code_of_the_wrong_form_is_refused(world, code):
    with pytest.raises(ValidationError) as refused:
        update_organisation(
            world.user("lead"), world.employer, data=_data(world.employer, gss_code=code), base_revision=1
        )
    assert "GSS code" in str(refused.value.message_dict["gss_code"])


def test_two_organisations_cannot_share_a_gss_code(world):
    update_organisation(
        world.user("lead"), world.employer, data=_data(world.employer, gss_code="E09000005"), base_revision=1
    )
    from tests.factories import OrganisationFactory

    other = OrganisationFactory()
    with pytest.raises(ValidationError, match="already has the GSS code"):
        update_organisation(world.user("admin"), other, data=_data(other, gss_code="E09000005"), base_revision=1)


def test_a_university_gets_a_ukprn_and_a_council_cannot(world):
    saved = update_organisation(
        world.user("lead"), world.university, data=_data(world.university, ukprn="10007157"), base_revision=1
    )
    assert saved.ukprn == "10007157"
    with pytest.raises(ValidationError, match="Only universities"):
        update_organisation(
            world.user("lead"), world.employer, data=_data(world.employer, ukprn="10007158"), base_revision=1
        )
    with pytest.raises(ValidationError, match="8 digits starting with 1"):
        update_organisation(
            world.user("lead"), world.university, data=_data(world.university, ukprn="20007157"), base_revision=2
        )
