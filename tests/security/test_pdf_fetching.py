"""PDFs are made on the server, so anything a PDF loads is a request from the server: they load
the portal's own static files and data: URLs only, never a web address or another file."""

from __future__ import annotations

import base64
import io

from pypdf import PdfReader

from portal.pdf import html_to_pdf


def _text(pdf: bytes) -> str:
    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def _stylesheet_saying(word: str, where: str) -> str:
    return f'{where}::after {{ content: "{word}"; }}'


def test_a_pdf_loads_nothing_from_outside_the_portal(tmp_path):
    secret = tmp_path / "secret.css"
    secret.write_text(_stylesheet_saying("LEAKED", "h1"))
    allowed = base64.b64encode(_stylesheet_saying("ALLOWED", "p").encode()).decode()
    html = (
        "<html><head>"
        f'<link rel="stylesheet" href="{secret.as_uri()}">'
        '<link rel="stylesheet" href="http://127.0.0.1:9/remote.css">'
        f'<link rel="stylesheet" href="data:text/css;base64,{allowed}">'
        '</head><body><h1>Title</h1><p>Memorandum</p><img src="http://169.254.169.254/latest/meta-data/"></body></html>'
    )
    text = _text(html_to_pdf(html))
    assert "Memorandum" in text and "ALLOWED" in text
    assert "LEAKED" not in text
