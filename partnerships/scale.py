"""Bulk-built partnerships, organisations, users and memberships for the national-scale bench.
Called by `manage.py seed_scale`; bulk_create keeps 3,000 users and 450 organisations to seconds.
Every user shares one password hash (hashing 3,000 times would take minutes)."""

import random

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.utils.text import slugify

from partnerships.models import Membership, Organisation, OrganisationKind, Partner, PartnerLevel, Partnership, Region

PASSWORD = "bench-password"


def build(ctx: dict, params: dict, stdout) -> None:
    rng = random.Random(6)
    regions = list(Region)
    User = get_user_model()
    groups = [
        ("local_authorities", "Borough Council", OrganisationKind.LOCAL_AUTHORITY),
        ("universities", "University", OrganisationKind.UNIVERSITY),
        ("providers", "Care Trust", OrganisationKind.VOLUNTARY),
        ("user_groups", "Voices Group", OrganisationKind.SERVICE_USER_GROUP),
    ]
    orgs = []
    for key, suffix, kind in groups:
        for i in range(params[key]):
            orgs.append(Organisation(name=f"Scale {suffix} {i + 1:03d}", kind=kind, region=rng.choice(regions)))
    orgs = Organisation.objects.bulk_create(orgs, batch_size=1000)
    partnerships = Partnership.objects.bulk_create(
        [
            Partnership(
                name=f"Scale Partnership {i + 1:02d}",
                slug=slugify(f"scale-partnership-{i + 1:02d}"),
                region=regions[i % len(regions)],
            )
            for i in range(params["partnerships"])
        ]
    )
    # Partnership 1 is the largest: it gets a share of organisations twice the others'.
    partners = []
    per = max(2, len(orgs) // max(1, len(partnerships)))
    for p_index, partnership in enumerate(partnerships):
        size = per * 2 if p_index == 0 else per
        chosen = rng.sample(orgs, min(size, len(orgs)))
        for o_index, org in enumerate(chosen):
            level = PartnerLevel.LEAD if o_index == 0 else PartnerLevel.CORE
            partners.append(Partner(partnership=partnership, organisation=org, level=level))
    Partner.objects.bulk_create(partners, batch_size=2000)

    password = make_password(PASSWORD)
    users = [
        User(email=f"user{i + 1:05d}@scale.example.org", full_name=f"Scale User {i + 1:05d}", password=password)
        for i in range(params["users"])
    ]
    users.append(
        User(
            email="admin@scale.example.org",
            full_name="Scale Admin",
            password=password,
            is_staff=True,
            is_superuser=True,
        )
    )
    users = User.objects.bulk_create(users, batch_size=2000)
    partner_orgs: dict[int, list] = {}
    for partner in partners:
        partner_orgs.setdefault(partner.partnership_id, []).append(partner.organisation)
    memberships = []
    for u_index, user in enumerate(users[:-1]):
        partnership = partnerships[0] if u_index < len(users) // 5 else partnerships[u_index % len(partnerships)]
        role = "lead" if u_index < len(partnerships) else ("coordinator" if u_index % 10 == 0 else "member")
        if u_index == 0:
            role = "lead"
        org = partner_orgs[partnership.id][u_index % len(partner_orgs[partnership.id])]
        memberships.append(Membership(user=user, partnership=partnership, role=role, organisation=org))
    Membership.objects.bulk_create(memberships, batch_size=2000)
    ctx.update(partnerships=partnerships, organisations=orgs, users=users, partners=partners, memberships=memberships)
    stdout.write(f"    {len(partnerships)} partnerships, {len(orgs)} organisations, {len(users)} users")
