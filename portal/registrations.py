"""What the core itself puts in the registries: the dashboard and the Django admin in the menu."""

from portal.registry import NavItem, register_nav_item

register_nav_item(NavItem("Dashboard", "dashboard", 0, lambda namespace, url_name: url_name == "dashboard"))
# The admin has no "current" state: it is a separate site with its own header.
register_nav_item(NavItem("Admin", "admin:index", 1000, lambda *_: False, visible=lambda user: user.is_site_admin))
