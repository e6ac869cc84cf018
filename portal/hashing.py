"""Fingerprints: one serialisation for hashing and one SHA-256 helper for data and for files.

Signed memorandum text, PDFs and the audit chain are all fingerprinted with these, so a value
computed on one page, in a PDF, an export or the verification page is always the same.
"""

from __future__ import annotations

import hashlib
import json


def canonical_json(data) -> str:
    """Sorted keys, no white space, UTF-8 kept; dates and other values as their text."""
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


def sha256_of(data) -> str:
    """The fingerprint of JSON-like data."""
    return hashlib.sha256(canonical_json(data).encode("utf-8")).hexdigest()


def sha256_of_bytes(content: bytes) -> str:
    """The fingerprint of a file's bytes (a PDF, an upload)."""
    return hashlib.sha256(content).hexdigest()


def sha256_of_file(handle, chunk_size: int = 1 << 20) -> str:
    """The fingerprint of an open file, read in chunks so a large file is not held in memory."""
    digest = hashlib.sha256()
    for chunk in iter(lambda: handle.read(chunk_size), b""):
        digest.update(chunk)
    return digest.hexdigest()
