"""Rendering PDFs from HTML templates with WeasyPrint (the same templates language as pages)."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.template.loader import render_to_string

# Every PDF is tagged (its headings, tables and reading order are in the file for screen readers)
# and says its language and title: PDF/UA-1. A document meant to be kept for years (a signed
# memorandum) is PDF/A-3a instead, the archival form whose "a" level requires the same tagging.
ACCESSIBLE = "pdf/ua-1"
ARCHIVAL = "pdf/a-3a"


def render_pdf(
    template_name: str,
    context: dict,
    *,
    metadata: dict | None = None,
    archival: bool = False,
    attachments: dict[str, tuple[str, str]] | None = None,
) -> bytes:
    """Render `template_name` to PDF bytes. Static files (CSS, images) resolve from static/.

    `metadata` sets document properties: title, author, subject, keywords. The template's
    `<html lang>` becomes the document language. `archival` makes it PDF/A-3a (else PDF/UA-1).
    `attachments` embeds files, {file name: (text, description)} (PDF/A-3 allows them, as Data)."""
    return html_to_pdf(
        render_to_string(template_name, context), metadata=metadata, archival=archival, attachments=attachments
    )


def loads_only_static_files(url: str) -> bool:
    """PDFs load stylesheets and images from static/ (or data: URLs) only: never a web address or
    another file on the server, whatever a template ends up holding (a person's text is escaped,
    but a URL they typed must never become a request made by the server)."""
    parts = urlsplit(url)
    if parts.scheme == "data":
        return True
    static = (Path(settings.BASE_DIR) / "static").resolve()
    return parts.scheme == "file" and Path(unquote(parts.path)).resolve().is_relative_to(static)


def _fetcher():
    from weasyprint.urls import URLFetcher

    class StaticFilesOnly(URLFetcher):
        def fetch(self, url, headers=None):
            if not loads_only_static_files(url):
                raise ValueError(f"A PDF does not load {url[:100]}: only the portal's own static files")
            return super().fetch(url, headers)

    return StaticFilesOnly(allowed_protocols={"file", "data"})


def html_to_pdf(
    html: str,
    *,
    metadata: dict | None = None,
    archival: bool = False,
    attachments: dict[str, tuple[str, str]] | None = None,
) -> bytes:
    from weasyprint import HTML, Attachment  # imported lazily: Pango is only needed when a PDF is made

    document = HTML(string=html, base_url=str(settings.BASE_DIR / "static"), url_fetcher=_fetcher()).render()
    if metadata:
        # WeasyPrint names the PDF's Author "authors" (a list) and its Subject "description".
        if metadata.get("title"):
            document.metadata.title = metadata["title"]
        if metadata.get("author"):
            document.metadata.authors = [metadata["author"]]
        if metadata.get("subject"):
            document.metadata.description = metadata["subject"]
        if metadata.get("keywords"):
            document.metadata.keywords = list(metadata["keywords"])
    files = [
        Attachment(string=text, name=name, description=description, relationship="Data")
        for name, (text, description) in (attachments or {}).items()
    ]
    return document.write_pdf(pdf_variant=ARCHIVAL if archival else ACCESSIBLE, pdf_tags=True, attachments=files)


def warm_up() -> float:
    """Import WeasyPrint and lay out one small page, so the first real PDF in this process does not
    pay for loading Pango, fontconfig and the fonts (0.4-1.4 s measured). Workers call it when they
    start; returns the seconds it took."""
    import time

    started = time.perf_counter()
    html_to_pdf('<html lang="en-GB"><head><title>Warm-up</title></head><body><h1>Warm-up</h1><p>Text</p></body></html>')
    return time.perf_counter() - started
