"""Workforce planning pages: thin views over the selectors and services."""

from workforce.views.figures import figures_edit, sharing_edit
from workforce.views.forecasting import forecast_export, forecast_page, scenario_detail
from workforce.views.imports import (
    figures_template,
    import_detail,
    import_figures,
    import_staff_list,
    import_start,
    staff_list_template,
)
from workforce.views.pages import index, partnership_page

__all__ = [
    "figures_edit",
    "figures_template",
    "forecast_export",
    "forecast_page",
    "import_detail",
    "import_figures",
    "import_staff_list",
    "import_start",
    "index",
    "partnership_page",
    "scenario_detail",
    "sharing_edit",
    "staff_list_template",
]
