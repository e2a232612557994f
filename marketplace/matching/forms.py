"""Shortlist and meeting forms. Shapes here, rules in the services; the search form is a GET
query string read in the view, so a search can be bookmarked."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from marketplace import vocab
from marketplace.forms import MomentField, WholeNumberField
from marketplace.matching import introductions
from marketplace.matching.meetings import MAX_MESSAGE_CHARS
from marketplace.matching.saved_searches import MAX_NAME_CHARS
from marketplace.matching.shortlists import MAX_NOTE_CHARS


def _time_field(label):
    return MomentField(label, validators=[Optional()])


class StageForm(FlaskForm):
    stage = SelectField(_l("Move to stage"), choices=list(vocab.DEAL_STAGES.items()))


class NoteForm(FlaskForm):
    body = TextAreaField(
        _l("Private note (only your organisation sees it)"),
        validators=[DataRequired(message=_l("Write the note first.")), Length(max=MAX_NOTE_CHARS)],
    )


class MeetingRequestForm(FlaskForm):
    message = TextAreaField(
        _l("Message"),
        validators=[
            DataRequired(
                message=_l("Write a short message: who you are and what you would like to discuss.")
            ),
            Length(max=MAX_MESSAGE_CHARS),
        ],
    )
    time_1 = _time_field(_l("Proposed time 1 (WIB)"))
    time_2 = _time_field(_l("Proposed time 2 (WIB, optional)"))
    time_3 = _time_field(_l("Proposed time 3 (WIB, optional)"))
    duration_minutes = WholeNumberField(
        _l("Length in minutes"),
        default=60,
        validators=[
            DataRequired(),
            NumberRange(min=15, max=480, message=_l("Between 15 and 480 minutes.")),
        ],
    )
    place = StringField(
        _l("Place or online link (optional)"), validators=[Optional(), Length(max=200)]
    )

    def proposed_times(self):
        return [f.data for f in (self.time_1, self.time_2, self.time_3) if f.data]


class RespondForm(FlaskForm):
    action = RadioField(
        _l("Your answer"),
        choices=[
            ("accept", _l("Accept at the chosen time")),
            ("propose", _l("Propose other times")),
            ("decline", _l("Decline")),
        ],
        validators=[DataRequired(message=_l("Choose an answer."))],
    )
    time_id = RadioField(_l("Time"), coerce=int, validate_choice=False, validators=[Optional()])
    new_time_1 = _time_field(_l("Other time 1 (WIB)"))
    new_time_2 = _time_field(_l("Other time 2 (WIB, optional)"))

    def new_times(self):
        return [f.data for f in (self.new_time_1, self.new_time_2) if f.data]


class IntroductionForm(FlaskForm):
    message = TextAreaField(
        _l("Message"),
        description=_l("What your business does and what you would like from this investor."),
        validators=[
            DataRequired(
                message=_l(
                    "Write a few words: what your business does and what you would like to discuss."
                )
            ),
            Length(max=introductions.MAX_MESSAGE_CHARS),
        ],
    )
    instrument = SelectField(
        _l("What you ask for"),
        choices=[("", _l("Not decided yet")), *vocab.INSTRUMENTS.items()],
        validators=[Optional()],
    )


def _search_name(label) -> StringField:
    """A saved search's name, with the same rule whether it is given or changed."""
    return StringField(
        label,
        validators=[
            DataRequired(message=_l("Give the search a name.")),
            Length(max=MAX_NAME_CHARS),
        ],
    )


class SavedSearchForm(FlaskForm):
    """Save the current search: a name and the search page's query string (hidden)."""

    name = _search_name(_l("Name of this search"))
    params = HiddenField()


class RenameSearchForm(FlaskForm):
    name = _search_name(_l("New name"))
