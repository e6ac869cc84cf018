from workforce import permissions  # noqa: F401 (registers the app's permissions)
