"""Imports of workforce data in the formats people already have. The file is read with placements'
reading helpers (type, header, rows, limits) and follows the same rules: a preview first, every bad
row reported with its line number, and all or nothing."""
