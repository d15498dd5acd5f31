from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    IntegerField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional, Regexp

LANGUAGE_CHOICES = [("nl", "Nederlands"), ("en", "English")]
STATUS_CHOICES = [("draft", _l("Draft")), ("open", _l("Open")), ("closed", _l("Closed")),
                  ("published", _l("Published"))]


class EventForm(FlaskForm):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    description = TextAreaField(_l("Description"), validators=[Optional(), Length(max=5000)])
    location = StringField(_l("Place"), validators=[Optional(), Length(max=200)])
    starts_at = DateTimeLocalField(_l("Starts"), validators=[Optional()])
    ends_at = DateTimeLocalField(_l("Ends"), validators=[Optional()])
    language = SelectField(_l("Language of the event"), choices=LANGUAGE_CHOICES)
    allow_open_join = BooleanField(_l("Allow joining without a ticket, through one open link (weaker)"))
    status = SelectField(_l("Status"), choices=STATUS_CHOICES)
    retention_days = IntegerField(
        _l("Keep personal data for this many days after publication"), default=90,
        validators=[Optional(), NumberRange(1, 3650)],
        description=_l("After that, ticket codes, comments and questions are removed; the published results "
                       "stay."))
    submit = SubmitField(_l("Save"))


class GroupForm(FlaskForm):
    name = StringField(_l("Group name"), validators=[DataRequired(), Length(max=80)])
    weight = StringField(_l("Weight"), default="1", validators=[DataRequired()])
    colour = StringField(_l("Colour"), default="#1f6f8b",
                         validators=[Regexp(r"^#[0-9a-fA-F]{6}$", message=_l("Use a colour like #1f6f8b."))])
    submit = SubmitField(_l("Save group"))


class TicketIssueForm(FlaskForm):
    count = IntegerField(_l("Number of tickets"), default=20, validators=[DataRequired(), NumberRange(1, 5000)])
    group = SelectField(_l("Voter group"), coerce=int)
    output = SelectField(_l("Download as"), choices=[("pdf", _l("PDF to print")), ("csv", _l("CSV file"))])
    submit = SubmitField(_l("Issue tickets and download"))


class TicketVoidForm(FlaskForm):
    number = IntegerField(_l("Ticket number"), validators=[DataRequired(), NumberRange(min=1)])
    submit = SubmitField(_l("Cancel this ticket"))


class ConfirmForm(FlaskForm):
    submit = SubmitField(_l("Yes, delete"))
