"""Who may open each memoranda page. The world's signatory is the named signatory of the world's
employer; a second signatory (created by the factories) signs for the university."""

from memoranda import services
from tests.access import Row, members, public, roles, signed_in
from tests.memoranda.factories import active_memorandum, awaiting_memorandum, draft_memorandum

LEAD = roles("lead")
SIGNER = roles("signatory", admin=403)  # signing is personal: site administrators cannot sign


def _draft(w):
    return {"pk": draft_memorandum(w).pk}


def _awaiting(w):
    return {"pk": awaiting_memorandum(w)[0].pk}


def _active(w):
    return {"pk": active_memorandum(w)[0].pk}


def _section(w):
    m = draft_memorandum(w)
    return {"pk": m.pk, "section_pk": m.sections.first().pk}


def _party(w):
    m = draft_memorandum(w)
    return {"pk": m.pk, "party_pk": m.parties.first().pk}


def _comment(w):
    m = draft_memorandum(w)
    comment = services.add_comment(w.user("member"), m, body="Can we say more about ASYE?")
    return {"pk": m.pk, "comment_pk": comment.pk}


def _version(w):
    m, version = awaiting_memorandum(w)
    return {"pk": m.pk, "number": version.number}


def _slug(w):
    return {"slug": w.partnership.slug}


ROWS: list[Row] = [
    Row("memoranda:list", signed_in()),
    Row("memoranda:list", signed_in(), query="q=matrix&status=draft&review_due=60", note="filters and search"),
    Row("memoranda:verify", public()),
    Row("memoranda:verify", public(), query="sha256=" + "a" * 64, note="an unknown fingerprint"),
    Row("memoranda:create", LEAD, kwargs=_slug),
    Row("memoranda:export", members(), kwargs=_slug, note="nothing signed: says so"),
    Row("memoranda:detail", members(), kwargs=_draft),
    Row("memoranda:detail", members(), kwargs=_active, note="an active memorandum"),
    Row("memoranda:pdf", members(), kwargs=_draft),
    Row("memoranda:details", LEAD, kwargs=_draft),
    Row("memoranda:section_add", LEAD, kwargs=_draft),
    Row("memoranda:sections_order", LEAD, kwargs=_draft),
    Row("memoranda:section_edit", LEAD, kwargs=_section),
    Row("memoranda:section_remove", LEAD, kwargs=_section),
    Row("memoranda:party_edit", LEAD, kwargs=_party),
    Row("memoranda:places", LEAD, kwargs=_draft),
    Row("memoranda:comments", members(), kwargs=_draft),
    Row("memoranda:comment_resolve", LEAD, kwargs=_comment),
    Row("memoranda:send", LEAD, kwargs=_draft),
    Row("memoranda:withdraw", LEAD, kwargs=_awaiting),
    Row("memoranda:sign", SIGNER, kwargs=_awaiting),
    Row("memoranda:decline", SIGNER, kwargs=_awaiting),
    Row("memoranda:versions", members(), kwargs=_draft),
    Row("memoranda:version_pdf", members(), kwargs=_version),
    Row("memoranda:compare", members(), kwargs=_awaiting),
    Row("memoranda:review", LEAD, kwargs=_active),
    Row("memoranda:amend", LEAD, kwargs=_active),
    Row("memoranda:end", LEAD, kwargs=_active),
]
