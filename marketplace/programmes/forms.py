"""Programme, cohort, enrolment and attestation forms. Shapes here, rules in the services."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from marketplace import vocab
from marketplace.forms import DayField, province_choices, regency_choices


class AttestForm(FlaskForm):
    note = StringField(_l("Note (optional)"), validators=[Optional(), Length(max=300)])


class ProgrammeForm(FlaskForm):
    name = StringField(
        _l("Programme name"), validators=[DataRequired(_l("Fill in the name.")), Length(max=160)]
    )
    donor = StringField(_l("Donor or partner"), validators=[Optional(), Length(max=160)])
    description = TextAreaField(_l("Description"), validators=[Optional(), Length(max=3000)])


class CohortForm(FlaskForm):
    name = StringField(
        _l("Cohort name"), validators=[DataRequired(_l("Fill in the name.")), Length(max=120)]
    )
    province_code = SelectField(_l("Province"), validators=[Optional()])
    regency_code = SelectField(_l("Regency or city (kabupaten/kota)"), validators=[Optional()])
    starts_on = DayField(_l("Starts"), validators=[Optional()])
    ends_on = DayField(_l("Ends"), validators=[Optional()])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.province_code.choices = province_choices()
        self.regency_code.choices = regency_choices()


class OnBehalfForm(FlaskForm):
    name = StringField(
        _l("Business name"), validators=[DataRequired(_l("Fill in the name.")), Length(max=160)]
    )
    owner_name = StringField(_l("Owner's name"), validators=[Optional(), Length(max=120)])
    owner_phone = StringField(
        _l("Owner's phone"),
        validators=[DataRequired(_l("Fill in the owner's phone number.")), Length(max=20)],
    )


class EnrolByEmailForm(FlaskForm):
    email = StringField(
        _l("Owner's e-mail"),
        validators=[DataRequired(_l("Fill in the e-mail address.")), Length(max=254)],
    )


class EnrolmentStatusForm(FlaskForm):
    status = SelectField(_l("Status"), choices=list(vocab.ENROLMENT_STATUSES.items()))


class GroupForm(FlaskForm):
    kind = SelectField(_l("Kind of group"), choices=list(vocab.GROUP_KINDS.items()))
    name = StringField(
        _l("Group name"), validators=[DataRequired(_l("Fill in the name.")), Length(max=160)]
    )
    regency_code = SelectField(_l("Regency or city (kabupaten/kota)"), validators=[Optional()])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.regency_code.choices = regency_choices()


class MemberForm(FlaskForm):
    """The choices are the enterprises the facilitator may add (`groups.candidate_members`)."""

    enterprise_id = SelectField(_l("Member enterprise"), coerce=int, validate_choice=True)


class PriorityAreasForm(FlaskForm):
    regency_codes = SelectMultipleField(_l("Priority kabupaten/kota"), validators=[Optional()])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.regency_codes.choices = [c for c in regency_choices() if c[0]]
