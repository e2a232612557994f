"""Enterprise profile and mandate forms. Shapes here, rules in the services."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional, ValidationError

from marketplace import vocab
from marketplace.forms import (
    DayField,
    MoneyField,
    MultiCheckboxField,
    VersionedForm,
    WholeNumberField,
    optional_whole_number,
    province_choices,
    regency_choices,
)


def _choices(mapping: dict, blank: bool = True) -> list[tuple[str, str]]:
    items = [(code, label) for code, label in mapping.items()]
    return ([("", _l("— choose —"))] if blank else []) + items


class ProfileForm(VersionedForm):
    # The business
    name = StringField(
        _l("Business name"), validators=[DataRequired(_l("Fill in the name.")), Length(max=160)]
    )
    legal_form = SelectField(_l("Legal form"), validators=[Optional()])
    sector = SelectField(_l("Sector"), validators=[Optional()])
    products = TextAreaField(_l("Products"), validators=[Optional(), Length(max=2000)])
    description = TextAreaField(_l("About the business"), validators=[Optional(), Length(max=5000)])
    province_code = SelectField(_l("Province"), validators=[Optional()])
    regency_code = SelectField(_l("Regency or city (kabupaten/kota)"), validators=[Optional()])
    founded_on = DayField(_l("Founded on"), validators=[Optional()])
    employees = optional_whole_number(_l("Employees"), most=1_000_000)
    women_employees = optional_whole_number(_l("Of whom women"), most=1_000_000)
    # The owner
    owner_name = StringField(_l("Owner's name"), validators=[Optional(), Length(max=120)])
    owner_phone = StringField(_l("Owner's phone"), validators=[Optional(), Length(max=20)])
    nik = StringField(
        _l("Owner's NIK (16 digits, from the KTP)"), validators=[Optional(), Length(max=24)]
    )
    women_led = BooleanField(_l("Led by a woman"))
    disability_inclusive = BooleanField(_l("Owner or workers with a disability"))
    pkh_graduate = BooleanField(_l("Family graduated from PKH"))
    low_income_household = BooleanField(_l("Low-income household (prasejahtera)"))
    green = BooleanField(_l("Green business (recycling, renewable energy, waste reduction)"))
    share_women_led = BooleanField(_l("Investors may see: led by a woman"))
    share_disability_inclusive = BooleanField(_l("Investors may see: disability-inclusive"))
    share_pkh_graduate = BooleanField(_l("Investors may see: PKH graduate"))
    graduated_from = SelectField(
        _l("Graduated from social assistance (graduasi)"), validators=[Optional()]
    )
    graduated_on = DayField(_l("Graduation date"), validators=[Optional()])
    # Finances
    capital = MoneyField(_l("Business capital (modal usaha) excluding land and buildings, Rp"))
    annual_turnover = MoneyField(_l("Annual turnover, Rp"))
    profit_last_year = MoneyField(
        _l("Profit last year, Rp (a loss with a minus sign)"), allow_negative=True
    )
    # Funding ask
    ask_amount = MoneyField(_l("Funding needed, Rp"))
    ask_instruments = MultiCheckboxField(_l("Kinds of funding wanted"), validators=[Optional()])
    use_of_funds = TextAreaField(
        _l("What the money is for"), validators=[Optional(), Length(max=2000)]
    )
    tenor_months = WholeNumberField(
        _l("Tenor (months)"),
        validators=[
            Optional(),
            NumberRange(min=1, max=240, message=_l("The tenor is between 1 and 240 months.")),
        ],
    )
    # Bank and books
    has_bank_account = BooleanField(_l("Has a bank account for the business"))
    bank_name = StringField(_l("Bank"), validators=[Optional(), Length(max=80)])
    keeps_books = BooleanField(_l("Keeps books (records of sales and costs)"))
    has_collateral = BooleanField(_l("Has collateral (e.g. land certificate, BPKB)"))
    # For young businesses (KUR super-micro under 6 months of trading)
    in_training = BooleanField(
        _l("Takes part in mentoring or entrepreneurship training (also outside TemuModal)")
    )
    in_business_group = BooleanField(_l("Member of a business group (KUBE, kelompok usaha)"))
    family_member_business = BooleanField(_l("A family member runs a business"))
    # Credit history (private: investors never see it)
    prior_commercial_credit = BooleanField(
        _l(
            "Has had a commercial business loan before (not counting consumer, ultra-micro or "
            "online P2P loans)"
        )
    )
    current_programme_credit = BooleanField(
        _l("Currently repaying a government programme credit (KUR or UMi)")
    )
    # Cooperatives
    koperasi_rat_held = BooleanField(_l("Cooperative: last annual members' meeting (RAT) held"))
    koperasi_shu_positive = BooleanField(_l("Cooperative: last SHU (net result) was positive"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.legal_form.choices = _choices(vocab.LEGAL_FORMS)
        self.sector.choices = _choices(vocab.SECTORS)
        self.graduated_from.choices = _choices(vocab.ASSISTANCE_PROGRAMMES)
        self.province_code.choices = province_choices()
        self.regency_code.choices = regency_choices()
        self.ask_instruments.choices = _choices(vocab.INSTRUMENTS, blank=False)

    def profile_data(self) -> dict:
        """The values the profile service takes, amounts as integers."""
        from marketplace.profiles.enterprises import PROFILE_FIELDS

        data = {}
        for name in PROFILE_FIELDS:
            field = getattr(self, name)
            data[name] = field.amount if isinstance(field, MoneyField) else field.data
        return data


class RevenueForm(FlaskForm):
    """Six monthly revenue inputs; their names are set per request from the months shown."""


class DocumentForm(FlaskForm):
    kind = SelectField(_l("Document"), validators=[DataRequired(_l("Choose the document."))])
    number = StringField(_l("Number"), validators=[Optional(), Length(max=40)])
    issued_on = DayField(_l("Issued on"), validators=[Optional()])
    expires_on = DayField(_l("Valid until (empty if it does not expire)"), validators=[Optional()])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind.choices = _choices(vocab.DOCUMENT_KINDS)


class MentoringForm(FlaskForm):
    programme_name = StringField(
        _l("Programme"), validators=[DataRequired(_l("Fill in the programme.")), Length(max=160)]
    )
    cohort_name = StringField(_l("Cohort or batch"), validators=[Optional(), Length(max=120)])
    started_on = DayField(_l("Started"), validators=[Optional()])
    completed_on = DayField(_l("Completed (empty if still running)"), validators=[Optional()])
    modules_completed = TextAreaField(
        _l("Modules completed"), validators=[Optional(), Length(max=1000)]
    )


class PhotoForm(FlaskForm):
    photo = FileField(
        _l("Photo (JPEG, PNG or WebP)"), validators=[FileRequired(_l("Choose a photo to upload."))]
    )
    caption = StringField(_l("Caption"), validators=[Optional(), Length(max=200)])


class MandateForm(VersionedForm):
    investor_kind = SelectField(
        _l("Kind of organisation"), validators=[DataRequired(_l("Choose the kind."))]
    )
    sectors = MultiCheckboxField(_l("Sectors (none ticked: all sectors)"), validators=[Optional()])
    provinces = SelectMultipleField(
        _l("Provinces (none chosen: all of Indonesia)"), validators=[Optional()]
    )
    ticket_min = MoneyField(_l("Smallest ticket, Rp"))
    ticket_max = MoneyField(_l("Largest ticket, Rp"))
    instruments = MultiCheckboxField(_l("Instruments offered"), validators=[Optional()])
    sharia_only = BooleanField(_l("Sharia only"))
    impact_themes = MultiCheckboxField(_l("Impact themes"), validators=[Optional()])
    min_stage = SelectField(_l("Minimum readiness"))
    thesis = TextAreaField(_l("Investment thesis"), validators=[Optional(), Length(max=4000)])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.investor_kind.choices = _choices(vocab.INVESTOR_KINDS)
        self.sectors.choices = _choices(vocab.SECTORS, blank=False)
        self.provinces.choices = province_choices(blank=False)
        self.instruments.choices = _choices(vocab.INSTRUMENTS, blank=False)
        self.impact_themes.choices = _choices(vocab.IMPACT_THEMES, blank=False)
        # "Not yet eligible", the lowest choice, means no minimum: it includes business ideas
        # (embrio), which an investor never needs to single out.
        self.min_stage.choices = [
            (code, label) for code, label in vocab.STAGES.items() if code != "embrio"
        ]

    def validate_ticket_max(self, field):
        if (
            self.ticket_min.amount is not None
            and field.amount is not None
            and (self.ticket_min.amount > field.amount)
        ):
            raise ValidationError(_l("The largest ticket must be at least the smallest."))
