"""The access matrix's privacy objects (issue 16): owner A's correction request about
enterprise A (facilitator F may answer it), owner A's ready copy with its signed link, and
owner B's copy still being built (an admin may queue it again)."""

from __future__ import annotations

import datetime as dt

from marketplace.models import utcnow
from marketplace.privacy import export
from marketplace.privacy.models import DOWNLOAD_VALID, DUE, RightsRequest


def build_privacy_world(db, *, owner, other_owner, enterprise_a) -> dict[str, object]:
    from marketplace import storage

    now = utcnow()
    correction = RightsRequest(
        kind="correction",
        requester_id=owner.id,
        subject_user_id=owner.id,
        subject_enterprise_id=enterprise_a.id,
        topic="attestation",
        details="The attestation date is wrong.",
        created_at=now,
        due_at=now + DUE["correction"],
    )
    key = storage.save(b"PK\x05\x06" + bytes(18), suffix=".zip", session=db.session())
    ready = RightsRequest(
        kind="access",
        status="done",
        requester_id=owner.id,
        subject_user_id=owner.id,
        created_at=now - dt.timedelta(hours=1),
        due_at=now + DUE["access"],
        answered_at=now,
        export_key=key,
        export_expires_at=now + DOWNLOAD_VALID,
    )
    building = RightsRequest(
        kind="access",
        requester_id=other_owner.id,
        subject_user_id=other_owner.id,
        created_at=now,
        due_at=now + DUE["access"],
    )
    db.session.add_all([correction, ready, building])
    db.session.flush()
    return {
        "corr_A": correction.id,
        "copy_A": ready.id,
        "copy_token": export.download_token(ready),
        "copy_B": building.id,
    }
