"""Bulk-built memoranda for the national-scale bench (`manage.py seed_scale`): memoranda in every
state with 12 sections and up to 6 parties each, several frozen versions with signatures, and a
stored signed PDF for each active one, attached to the partnerships partnerships/scale.py made.

The first partnership (the largest) gets the memorandum with the most versions, so its page is
the one to measure for "constant queries whatever the number of versions". One PDF is rendered
and its bytes stored for every active version (rendering hundreds would take minutes); the
bench measures serving a stored PDF, not these files' content. No audit events are written, so
the verification page reports these versions as lacking an audit record: bench data only."""

from __future__ import annotations

import datetime as dt
import random
import uuid

from django.core.files.base import ContentFile
from django.db.models import Prefetch

from memoranda.canonical import canonical_content
from memoranda.checklist import AREAS
from memoranda.models import (
    Kind,
    Memorandum,
    MemorandumVersion,
    Party,
    Section,
    Seniority,
    Signature,
    Status,
    VersionStatus,
    sha256_of,
)
from memoranda.pdf import render_sealed_pdf
from memoranda.services import add_months
from portal.hashing import sha256_of_bytes

TODAY = dt.date(2026, 11, 23)  # the demo and bench "now"
SECTIONS = 12
PARTIES = 6
# Status of each memorandum in turn: mostly active, some in every other state.
CYCLE = [Status.ACTIVE] * 5 + [Status.SUPERSEDED] * 2 + [Status.DRAFT, Status.AWAITING, Status.EXPIRED, Status.ENDED]
TEXT = (
    "The partners agree to work together on this area and to report progress to the board each term.\n\n"
    "- Share what works\n- Plan together each spring\n- Review the figures every year"
)


def build(ctx: dict, params: dict, stdout) -> None:
    rng = random.Random(11)
    partnerships = ctx["partnerships"]
    users = ctx["users"]
    orgs_by_partnership: dict[int, list] = {}
    for partner in ctx["partners"]:
        orgs_by_partnership.setdefault(partner.partnership_id, []).append(partner.organisation)

    memoranda = []
    for i in range(params["memoranda"]):
        partnership = partnerships[i % len(partnerships)]
        status = CYCLE[i % len(CYCLE)]
        effective = TODAY - dt.timedelta(days=rng.randint(30, 700))
        signed = status in (Status.ACTIVE, Status.SUPERSEDED, Status.EXPIRED, Status.ENDED)
        memoranda.append(
            Memorandum(
                partnership=partnership,
                kind=Kind.PRINCIPLES if i % 3 else Kind.OPERATIONAL,
                title=f"Scale memorandum {i + 1:04d}",
                status=status,
                start_date=effective,
                effective_date=effective if signed else None,
                review_date=add_months(effective, 12) if signed else None,
                ended_on=TODAY - dt.timedelta(days=10) if status == Status.ENDED else None,
                ended_reason="Replaced by a regional agreement" if status == Status.ENDED else "",
                lineage=uuid.uuid4(),
            )
        )
    memoranda = Memorandum.objects.bulk_create(memoranda, batch_size=1000)

    sections, parties = [], []
    for m in memoranda:
        for position, (key, heading, _required, guidance) in enumerate(AREAS[:SECTIONS]):
            sections.append(
                Section(memorandum=m, key=key, heading=heading, body=TEXT, guidance=guidance, position=position)
            )
        for org in orgs_by_partnership[m.partnership_id][:PARTIES]:
            signer = users[rng.randrange(len(users) - 1)]
            parties.append(
                Party(
                    memorandum=m,
                    organisation=org,
                    signatory=signer,
                    signatory_position="Assistant Director",
                    seniority=Seniority.ASSISTANT_DIRECTOR,
                    commitments="- Host students\n- Release educators",
                )
            )
    Section.objects.bulk_create(sections, batch_size=5000)
    Party.objects.bulk_create(parties, batch_size=5000)

    # Freeze each memorandum's text through the same canonical form the services use.
    full = (
        Memorandum.objects.filter(pk__in=[m.pk for m in memoranda])
        .select_related("partnership")
        .prefetch_related(
            "sections",
            Prefetch("parties", queryset=Party.objects.select_related("organisation", "signatory")),
            "place_commitments",
        )
    )
    per = params["versions_per_memorandum"]
    versions, last_versions = [], {}
    for index, m in enumerate(full.order_by("pk")):
        if m.status == Status.DRAFT:
            continue
        content = canonical_content(m)
        count = per * 4 if index == 0 else per  # one memorandum with a long history
        for number in range(1, count + 1):
            last = number == count
            content = {**content, "title": m.title if last else f"{m.title} (draft {number})"}
            if last:
                version_status = VersionStatus.AWAITING if m.status == Status.AWAITING else VersionStatus.SIGNED
            else:
                version_status = VersionStatus.DECLINED
            sent = dt.datetime.combine(
                m.start_date - dt.timedelta(days=10 * (count - number) + 5), dt.time(10), tzinfo=dt.UTC
            )
            version = MemorandumVersion(
                memorandum=m,
                number=number,
                content=content,
                sha256=sha256_of(content),
                status=version_status,
                sent_at=sent,
                signed_at=sent + dt.timedelta(days=4) if version_status == VersionStatus.SIGNED else None,
                declined_reason="One more change" if version_status == VersionStatus.DECLINED else "",
            )
            versions.append(version)
            if last:
                last_versions[m.pk] = (m, version)
    versions = MemorandumVersion.objects.bulk_create(versions, batch_size=2000)

    signatures = []
    for m, version in last_versions.values():
        signers = list(m.parties.all())
        if version.status == VersionStatus.AWAITING:
            signers = signers[: len(signers) // 2]
        for i, party in enumerate(signers):
            signatures.append(
                Signature(
                    version=version,
                    organisation_id=party.organisation_id,
                    signer_id=party.signatory_id,
                    typed_name=party.signatory.full_name,
                    position=party.signatory_position,
                    signed_at=version.sent_at + dt.timedelta(hours=2 + i),
                    method="Scale data",
                    sha256=version.sha256,
                )
            )
    Signature.objects.bulk_create(signatures, batch_size=5000)

    signed_versions = [(m, v) for m, v in last_versions.values() if v.status == VersionStatus.SIGNED]
    if signed_versions:
        first_m, first_v = signed_versions[0]
        pdf = render_sealed_pdf(first_m, first_v)
        digest = sha256_of_bytes(pdf)
        for m, version in signed_versions:
            version.pdf.save(f"scale-memorandum-{m.pk}-v{version.number}.pdf", ContentFile(pdf), save=False)
            version.pdf_sha256 = digest
        MemorandumVersion.objects.bulk_update([v for _, v in signed_versions], ["pdf", "pdf_sha256"], batch_size=1000)
    ctx["memoranda"] = memoranda
    stdout.write(
        f"    {len(memoranda)} memoranda, {len(versions)} versions, {len(signatures)} signatures, "
        f"{len(signed_versions)} stored signed PDFs"
    )
