"""Deck, document and access-request forms. Shapes here, rules in the services."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired, MultipleFileField
from wtforms import SelectField, TextAreaField
from wtforms.validators import DataRequired, Length

from marketplace.pitches.data_room import MAX_MESSAGE_CHARS
from marketplace.pitches.models import DOCUMENT_KINDS


class DeckUploadForm(FlaskForm):
    files = MultipleFileField(
        _l("Pitch deck: one PDF, or photos of the pages in order"),
        validators=[FileRequired(_l("Choose a PDF or the photos of your pitch."))],
    )


class DocumentUploadForm(FlaskForm):
    kind = SelectField(_l("Document"), validators=[DataRequired(_l("Choose the document."))])
    file = FileField(
        _l("File (PDF, or a photo: JPEG, PNG or WebP)"),
        validators=[FileRequired(_l("Choose the file to upload."))],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind.choices = [("", _l("— choose —"))] + list(DOCUMENT_KINDS.items())


class AccessRequestForm(FlaskForm):
    message = TextAreaField(
        _l("Message to the enterprise"),
        validators=[
            DataRequired(
                _l("Write a few words about who you are and why you want to see the documents.")
            ),
            Length(max=MAX_MESSAGE_CHARS),
        ],
    )
