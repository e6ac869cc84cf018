"""Lists: filters read from the query string, and pagination that keeps them."""

from __future__ import annotations

from django.core.paginator import Paginator

PAGE_SIZE = 25


def paginate(request, queryset, per_page: int = PAGE_SIZE, *, ids_first: bool = False) -> dict:
    """Template context for includes/pagination.html: `page_obj` and `querystring_without_page`.

    A page number out of range or not a number shows the nearest real page instead of an error.

    `ids_first` (for long lists of rows joined to several tables): the page is found among the
    ids alone, which the database can walk in its index, and only that page's 25 rows are then
    read with their joins. With OFFSET over the joined rows, page 200 made the database build
    and throw away 5,000 joined rows first."""
    if ids_first:
        return _paginate_ids_first(request, queryset, per_page)
    page_obj = Paginator(queryset, per_page).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return {"page_obj": page_obj, "querystring_without_page": query.urlencode()}


def _paginate_ids_first(request, queryset, per_page: int) -> dict:
    page_obj = Paginator(queryset.values_list("pk", flat=True), per_page).get_page(request.GET.get("page"))
    ids = list(page_obj.object_list)
    rows = {row.pk: row for row in queryset.order_by().filter(pk__in=ids)} if ids else {}
    page_obj.object_list = [rows[pk] for pk in ids if pk in rows]
    query = request.GET.copy()
    query.pop("page", None)
    return {"page_obj": page_obj, "querystring_without_page": query.urlencode()}


def query_params(request, *names: str) -> dict[str, str]:
    """Filter values from the query string, cleaned so that odd input (control characters, very
    long text) cannot reach the database as an error. A missing filter is an empty string."""
    return {name: request.GET.get(name, "").replace("\x00", "").strip()[:80] for name in names}


def positive_int(value) -> int | None:
    """An id from the query string or a form, or None when it is not one (also for numbers no id
    column can hold)."""
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if 0 < number < 2**63 else None
