"""Project wiring: settings, the URL map and the WSGI entry point. The core library is `portal`."""
