"""The security app adds no URLs; this module exists so the matrix collector finds the folder."""

ROWS: list = []
