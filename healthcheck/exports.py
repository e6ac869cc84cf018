"""The health check as a CSV (one row per criterion) and as a PDF report."""

from __future__ import annotations

import csv
import io

from healthcheck.models import ActionStatus, rag_label
from healthcheck.rules import OVERALL_RULE_IN_WORDS, TREND_LABELS, suggestion_in_words
from healthcheck.selectors import HealthCheckPage
from portal.downloads import cell_text
from portal.pdf import render_pdf

CSV_HEADER = [
    "Area",
    "Code",
    "Statement",
    "Rating",
    "Suggested rating",
    "Live figure",
    "Override reason",
    "Suggestion",
    "Commentary",
    "Evidence count",
    "Open actions",
    "Last year's rating",
    "Compared with last year",
]


def health_check_csv(page: HealthCheckPage) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_HEADER)
    for block in page.areas:
        for row in block.rows:
            rating = row.rating
            writer.writerow(
                cell_text(v)
                for v in [
                    f"{block.area.code}. {block.area.title}",
                    row.criterion.code,
                    row.criterion.statement,
                    rag_label(rating.rating),
                    rag_label(rating.suggested_rating) if rating.suggested_rating else "",
                    rating.metric_display,
                    rating.override_reason,
                    suggestion_in_words(rating),
                    rating.commentary,
                    len(row.evidence),
                    sum(1 for a in row.actions if a.status != ActionStatus.DONE),
                    rag_label(row.previous) if page.previous is not None else "",
                    TREND_LABELS[row.trend] if page.previous is not None else "",
                ]
            )
    return out.getvalue()


def health_check_pdf(page: HealthCheckPage, *, sign_off, generated_at) -> bytes:
    hc = page.health_check
    return render_pdf(
        "healthcheck/pdf/report.html",
        {
            "page": page,
            "hc": hc,
            "rule": OVERALL_RULE_IN_WORDS,
            "sign_off": sign_off,
            "generated_at": generated_at,
        },
        metadata={
            "title": f"Health check {hc.academic_year}: {hc.scope_label}",
            "author": hc.partnership.name,
            "subject": f"{hc.framework} - overall {rag_label(page.overall) if page.overall else 'not yet rated'}",
            "keywords": ["health check", hc.academic_year],
        },
    )
