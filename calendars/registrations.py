"""What calendars contribute to the core. Nothing in the menu (the calendar is reached from a
partnership's Placements section and from the placements pages); the extension point for other
apps is `calendars.selectors.register_event_source`."""

from __future__ import annotations
