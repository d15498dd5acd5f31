from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, Regexp, ValidationError

from app.domain.money import parse_euros

EMAIL = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"


class ProposalForm(FlaskForm):
    """A proposal, from a resident or organisation (public page) or from a host."""

    title = StringField(_l("Title of your proposal"), validators=[DataRequired(), Length(max=200)])
    description = TextAreaField(_l("What do you want to do, and for whom?"),
                                validators=[DataRequired(), Length(max=5000)])
    cost = StringField(_l("Estimated cost in euros"), validators=[DataRequired(), Length(max=30)],
                       render_kw={"inputmode": "decimal", "autocomplete": "off"})
    theme = SelectField(_l("Theme"), choices=[], validators=[Optional()])
    submitted_as = RadioField(_l("You submit this"), default="resident",
                              choices=[("resident", _l("As a resident")),
                                       ("organisation", _l("For an organisation"))])
    organisation = StringField(_l("Name of the organisation (shown with the proposal)"),
                               validators=[Optional(), Length(max=200)])
    contact_name = StringField(_l("Your name"), validators=[DataRequired(), Length(max=200)],
                               render_kw={"autocomplete": "name"})
    contact_email = StringField(_l("Your e-mail address"),
                                validators=[DataRequired(), Length(max=254),
                                            Regexp(EMAIL, message=_l("Please enter a valid e-mail address."))],
                                render_kw={"autocomplete": "email", "type": "email"})
    contact_phone = StringField(_l("Your phone number (optional)"), validators=[Optional(), Length(max=40)],
                                render_kw={"autocomplete": "tel", "type": "tel"})
    submit = SubmitField(_l("Send my proposal"))

    def validate_cost(self, field: StringField) -> None:
        if parse_euros(field.data or "") in (None, 0):
            raise ValidationError(_l("Please give an amount in euros above 0, like 1500 or 1.500,50."))


class BallotForm(FlaskForm):
    """Only the CSRF token: the choices are read from the posted project fields."""

    submit = SubmitField(_l("Save my vote"))
