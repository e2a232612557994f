"""The settings form: one radio group per kind the user can receive."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import RadioField

from marketplace.notifications import kinds, services
from marketplace.notifications.models import DELIVERIES


def settings_form(*, role: str, current: dict[str, str], formdata=None) -> FlaskForm:
    """A form with a field per kind of `role` (named by the kind), preset to `current`."""

    class SettingsForm(FlaskForm):
        pass

    choices = [(d, kinds.DELIVERY_LABELS[d]) for d in DELIVERIES]
    for kind in services.kinds_for(role):
        setattr(
            SettingsForm,
            kind,
            RadioField(kinds.KIND_LABELS[kind], choices=choices, default=current[kind]),
        )
    if formdata is None:
        return SettingsForm(formdata=None)
    return SettingsForm()


def chosen(form: FlaskForm, *, role: str) -> dict[str, str]:
    """The kinds and deliveries the form holds."""
    return {kind: form[kind].data for kind in services.kinds_for(role)}
