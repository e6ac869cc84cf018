"""What people may do with memoranda, and who: registered with the one access mechanism
(partnerships.access), which checks them like the partnership's own (`require(user, p,
MemorandumPerm.DRAFT)`)."""

from __future__ import annotations

from enum import StrEnum

from partnerships.access import register_permissions
from partnerships.models import Role


class MemorandumPerm(StrEnum):
    DRAFT = "draft_memorandum"
    SIGN = "sign_memorandum"


register_permissions(
    {
        MemorandumPerm.DRAFT: {Role.LEAD},
        # Signing is also limited to the signatory's own organisation; memoranda.services checks that.
        MemorandumPerm.SIGN: {Role.SIGNATORY},
    },
    # Signing is personal: a site administrator cannot sign for an organisation.
    personal={MemorandumPerm.SIGN},
)
