"""Forms of pitching events. Shapes here, rules in the services."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Email, Length, Optional

from marketplace.events import codes, services
from marketplace.events.models import PitchEvent
from marketplace.events.scheduling import PREFERENCES, Slot
from marketplace.forms import (
    DayField,
    MoneyField,
    MultiCheckboxField,
    VersionedForm,
    WholeNumberField,
    optional_whole_number,
)


def _optional_int(value):
    return int(value) if value not in (None, "", "None") else None


class EventForm(VersionedForm):
    title = StringField(
        _l("Title"), validators=[DataRequired(_l("Give the event a title.")), Length(max=160)]
    )
    mode = RadioField(_l("Mode"), default="panel")
    programme_id = SelectField(
        _l("Programme (optional)"), coerce=_optional_int, validators=[Optional()]
    )
    starts_on = DayField(
        _l("First day"), validators=[DataRequired(_l("Give the date of the event."))]
    )
    ends_on = DayField(_l("Last day (if more than one)"), validators=[Optional()])
    timezone = SelectField(_l("Time zone"), default="Asia/Jakarta")
    day_start = StringField(
        _l("Day starts at"), default="08.00", validators=[DataRequired(), Length(max=20)]
    )
    day_end = StringField(
        _l("Day ends at"), default="16.00", validators=[DataRequired(), Length(max=20)]
    )
    slot_minutes = optional_whole_number(
        _l("Minutes per pitch or meeting"), least=5, most=240, default=15
    )
    breaks = TextAreaField(
        _l("Breaks, one a line (e.g. 12.00-13.00)"),
        default="",
        validators=[Optional(), Length(max=500)],
    )
    block_friday_prayer = BooleanField(
        _l("Block Friday prayer (11.30-13.00) on Fridays"), default=True
    )
    venue = StringField(_l("Venue"), validators=[Optional(), Length(max=200)])
    online_url = StringField(_l("Online link"), validators=[Optional(), Length(max=300)])
    description = TextAreaField(_l("Description"), validators=[Optional(), Length(max=3000)])
    rooms = optional_whole_number(_l("Rooms (panel pitching)"), most=50, default=2)
    panel_size = optional_whole_number(_l("Investors per panel"), most=20, default=3)
    min_panel_size = optional_whole_number(_l("Fewest investors a pitch needs"), most=20, default=1)
    tables = optional_whole_number(_l("Tables (1:1 meetings)"), most=200, default=0)
    min_meetings = optional_whole_number(
        _l("Meetings each enterprise should get"), most=50, default=1
    )
    max_meetings_enterprise = optional_whole_number(
        _l("Most meetings per enterprise (blank: no limit)"), most=100
    )
    max_meetings_investor = optional_whole_number(
        _l("Most meetings per investor (blank: no limit)"), most=100
    )
    capacity = optional_whole_number(_l("Investor seats"), most=10000, default=20)
    registration_deadline = DayField(_l("Registration closes (last day)"), validators=[Optional()])

    def __init__(self, *args, programmes=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.mode.choices = list(codes.MODES.items())
        self.timezone.choices = list(codes.ZONES.items())
        self.programme_id.choices = [(None, _l("— none —"))] + [(p.id, p.name) for p in programmes]

    def fill(self, event: PitchEvent) -> None:
        """Show an existing event's values (times and breaks as people write them)."""
        self.process(obj=event)
        self.day_start.data = event.day_start.strftime("%H.%M")
        self.day_end.data = event.day_end.strftime("%H.%M")
        self.breaks.data = services.breaks_text(event)
        self.rooms.data = len(event.rooms)
        self.panel_size.data = event.rooms[0].capacity_investors if event.rooms else 3
        if event.registration_deadline is not None:
            from zoneinfo import ZoneInfo

            self.registration_deadline.data = event.registration_deadline.astimezone(
                ZoneInfo(event.timezone)
            ).date()

    def event_data(self) -> services.EventData:
        return services.EventData(
            title=self.title.data or "",
            mode=self.mode.data,
            timezone=self.timezone.data,
            starts_on=self.starts_on.data,
            ends_on=self.ends_on.data,
            day_start=self.day_start.data or "",
            day_end=self.day_end.data or "",
            slot_minutes=self.slot_minutes.data,
            breaks=self.breaks.data or "",
            block_friday_prayer=self.block_friday_prayer.data,
            venue=self.venue.data,
            online_url=self.online_url.data,
            description=self.description.data,
            rooms=self.rooms.data,
            panel_size=self.panel_size.data,
            tables=self.tables.data,
            capacity=self.capacity.data,
            registration_deadline=self.registration_deadline.data,
            min_meetings=self.min_meetings.data,
            max_meetings_enterprise=self.max_meetings_enterprise.data,
            max_meetings_investor=self.max_meetings_investor.data,
            min_panel_size=self.min_panel_size.data,
            programme_id=self.programme_id.data,
        )


def slot_label(slot: Slot) -> str:
    from marketplace import formatting

    return f"{formatting.date(slot.start.date())} {slot.start:%H.%M}–{slot.end:%H.%M}"


class AvailabilityForm(FlaskForm):
    available = MultiCheckboxField(_l("Times you can attend"), coerce=int, validators=[Optional()])

    def __init__(self, *args, slots=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.available.choices = [(s.index, slot_label(s)) for s in slots]


class AttendanceForm(AvailabilityForm):
    attending = RadioField(
        _l("Will the enterprise attend?"),
        default="yes",
        choices=[("yes", _l("Yes, we will pitch")), ("no", _l("No, we cannot come"))],
    )


class CohortInviteForm(FlaskForm):
    cohort_id = SelectField(_l("Cohort"), coerce=int)


class InviteOneForm(FlaskForm):
    enterprise_id = WholeNumberField(validators=[DataRequired()])


def preference_choices():
    return [("", _l("No preference"))] + list(PREFERENCES.items())


def read_preferences(formdata, ids) -> dict[int, str]:
    """{counterpart id: value} from fields named `pref-<id>` (only the ids offered)."""
    return {i: formdata.get(f"pref-{i}", "") for i in ids if f"pref-{i}" in formdata}


class MoveForm(FlaskForm):
    item_id = WholeNumberField(validators=[DataRequired()])
    slot = SelectField(_l("Time"), coerce=int)
    room = SelectField(_l("Room or table"), coerce=int)


class SwapForm(FlaskForm):
    first_id = SelectField(_l("Swap"), coerce=int)
    second_id = SelectField(_l("with"), coerce=int)


class JudgeForm(FlaskForm):
    email = StringField(
        _l("Judge's e-mail"),
        validators=[
            DataRequired(_l("Fill in the e-mail address.")),
            Email(_l("Check the e-mail address.")),
            Length(max=254),
        ],
    )
    room_id = SelectField(_l("Panel"), coerce=_optional_int, validators=[Optional()])


class SheetForm(FlaskForm):
    new_name = StringField(_l("New criterion"), validators=[Optional(), Length(max=120)])
    new_weight = optional_whole_number(_l("Weight (1-10)"), least=1, most=10, default=1)


class ScoreForm(FlaskForm):
    comment = TextAreaField(
        _l("Comment for the enterprise (they will read it)"),
        validators=[Optional(), Length(max=2000)],
    )


class OutcomeForm(FlaskForm):
    enterprise_id = SelectField(_l("Enterprise"), coerce=int)
    track = SelectField(_l("Track"))
    status = SelectField(_l("Status"))
    on = DayField(_l("Date"), validators=[DataRequired(_l("Give the date."))])
    amount = MoneyField(_l("Amount, Rp (optional)"))
    lender_name = StringField(
        _l("Investor or lender (facilitators)"), validators=[Optional(), Length(max=160)]
    )

    def __init__(self, *args, enterprises=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.enterprise_id.choices = [(e.id, e.name) for e in enterprises]
        self.track.choices = list(codes.OUTCOME_TRACKS.items())
        self.status.choices = list(codes.OUTCOME_STATUSES.items())
