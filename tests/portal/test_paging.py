"""Pagination that finds the page among ids first gives exactly the rows, order and page links the
plain one gives, for any page, in a fixed number of queries."""

import pytest
from django.test import RequestFactory

from partnerships.models import Organisation
from portal.paging import paginate
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("page", ["1", "2", "3", "99", "x"])
def test_ids_first_pages_match_the_plain_pages(page):
    for n in range(57):
        OrganisationFactory(name=f"Council {n:02d}")
    qs = Organisation.objects.select_related().order_by("-name", "id")
    request = RequestFactory().get("/", {"page": page, "kind": "la"})
    plain = paginate(request, qs)
    quick = paginate(request, qs, ids_first=True)
    assert [o.pk for o in quick["page_obj"].object_list] == [o.pk for o in plain["page_obj"].object_list]
    assert quick["page_obj"].number == plain["page_obj"].number
    assert quick["page_obj"].paginator.num_pages == plain["page_obj"].paginator.num_pages == 3
    assert quick["querystring_without_page"] == "kind=la"


def test_ids_first_reads_one_page_in_three_queries(django_assert_num_queries):
    for n in range(60):
        OrganisationFactory(name=f"Council {n:02d}")
    request = RequestFactory().get("/", {"page": "2"})
    with django_assert_num_queries(3):  # the count, the page's ids, the page's rows
        page = paginate(request, Organisation.objects.order_by("name"), ids_first=True)["page_obj"]
        assert len(page.object_list) == 25
