"""The shared predicates and the template namespace `can`."""

from __future__ import annotations

import pytest

from marketplace import permissions
from marketplace.profiles import permissions as profile_permissions


def test_every_template_name_is_a_predicate():
    for name in permissions.__all__:
        assert callable(getattr(permissions, name))
    assert permissions.edit_enterprise is profile_permissions.can_edit_enterprise
    with pytest.raises(AttributeError):
        permissions.edit_everything  # noqa: B018


def test_is_admin_is_true_only_for_an_active_admin_and_denies_on_error(db, make):
    admin, owner = make.admin(), make.owner()
    assert permissions.is_admin(admin) and not permissions.is_admin(owner)
    assert not permissions.is_admin(None)
    admin.active = False
    assert not permissions.is_admin(admin)

    class Broken:
        is_authenticated = True

        @property
        def active(self):
            raise RuntimeError("boom")

    assert permissions.is_admin(Broken()) is False
