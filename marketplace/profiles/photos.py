"""An enterprise's product photos: checked by content, rotated upright, stripped of metadata and
stored in two sizes. Importing this module registers the photos' storage keys, so that
`flask files cleanup` and backups know them.
"""

from __future__ import annotations

from collections.abc import Iterator

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from marketplace import audit, storage, uploads
from marketplace.accounts.models import User
from marketplace.errors import ValidationError
from marketplace.extensions import db
from marketplace.profiles import images
from marketplace.profiles.enterprises import require_editor, row_of
from marketplace.profiles.models import Enterprise, ProductPhoto


def add_photo(
    *, actor: User, enterprise: Enterprise, data: bytes, caption: str | None = None
) -> ProductPhoto:
    """Validate a product photo by content, rotate it upright, strip its metadata and store a
    1280 px and a 320 px copy under generated names.

    Raises PermissionDenied, ValidationError (too many photos), UploadRejected (bad file).
    Side effects: two files, final once the transaction commits; audit `photo.added`.
    """
    require_editor(actor, enterprise)
    limit = current_app.config["PHOTOS_PER_ENTERPRISE"]
    if len(enterprise.photos) >= limit:
        raise ValidationError(
            _l("A profile can have at most %(count)s photos. Remove one first.", count=limit)
        )
    processed = images.process_photo(data, limits=uploads.configured_limits())
    large_key = storage.save(
        processed.large.data,
        suffix=uploads.suffix_for(uploads.KIND_BY_MIME[processed.large.mime]),
        session=db.session(),
    )
    small_key = storage.save(
        processed.small.data,
        suffix=uploads.suffix_for(uploads.KIND_BY_MIME[processed.small.mime]),
        session=db.session(),
    )
    photo = ProductPhoto(
        enterprise=enterprise,
        position=len(enterprise.photos),
        caption=(caption or "").strip()[:200] or None,
        large_key=large_key,
        small_key=small_key,
        mime=processed.large.mime,
        width=processed.large.width,
        height=processed.large.height,
    )
    db.session.add(photo)
    audit.on_enterprise("photo.added", enterprise.id, by=actor.id)
    db.session.flush()
    return photo


def remove_photo(*, actor: User, enterprise: Enterprise, photo_id: int) -> None:
    require_editor(actor, enterprise)
    photo = row_of(ProductPhoto, photo_id, enterprise, _l("That photo is not on this profile."))
    storage.delete_after_commit([photo.large_key, photo.small_key], session=db.session())
    db.session.delete(photo)
    db.session.flush()


def _photo_keys(session: Session) -> Iterator[str]:
    for large, small in session.execute(select(ProductPhoto.large_key, ProductPhoto.small_key)):
        yield large
        yield small


storage.register_key_source(_photo_keys)
