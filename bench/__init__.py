"""The national-scale benchmark (not part of the portal; see bench/README.md)."""
