from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, IntegerField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

METHOD_CHOICES = [("mean", _l("Weighted mean")), ("median", _l("Weighted median")),
                  ("majority_judgment", _l("Majority judgment"))]
SCALE_CHOICES = [("grade", _l("Report grade (1 to 10)")), ("stars", _l("Stars (1 to 5)")),
                 ("verbal", _l("Verbal grades"))]


class TenderForm(FlaskForm):
    title = StringField(_l("Title of the tender"), validators=[DataRequired(), Length(max=200)])
    bijsluiter = TextAreaField(_l("Bijsluiter: what is decided, by whom, and what the residents' advice counts for"),
                               validators=[Optional(), Length(max=3000)])
    method = SelectField(_l("Counting method"), choices=METHOD_CHOICES)
    scale_type = SelectField(_l("Scale"), choices=SCALE_CHOICES)
    scale_min = IntegerField(_l("Lowest grade"), default=1, validators=[Optional(), NumberRange(-100, 100)])
    scale_max = IntegerField(_l("Highest grade (or number of stars)"), default=10,
                             validators=[Optional(), NumberRange(-100, 100)])
    verbal_grades = TextAreaField(_l("Verbal grades, one per line, worst first"),
                                  default="Onvoldoende\nMatig\nVoldoende\nGoed\nUitstekend",
                                  validators=[Optional(), Length(max=500)])
    slot_minutes = IntegerField(_l("Presentation slot (minutes)"), default=10,
                                validators=[DataRequired(), NumberRange(1, 120)])
    submit = SubmitField(_l("Save the tender"))


class CriterionForm(FlaskForm):
    name = StringField(_l("Criterion"), validators=[DataRequired(), Length(max=120)])
    description = TextAreaField(_l("Explanation shown to attendees"), validators=[Optional(), Length(max=1000)])
    weight = StringField(_l("Weight (more than 0)"), default="1", validators=[DataRequired()])
    submit = SubmitField(_l("Save criterion"))


class BidderForm(FlaskForm):
    name = StringField(_l("Name of the organisation"), validators=[DataRequired(), Length(max=120)])
    description = TextAreaField(_l("Short description"), validators=[Optional(), Length(max=1000)])
    website = StringField(_l("Website"), validators=[Optional(), Length(max=300)])
    submit = SubmitField(_l("Save bidder"))


class ActionForm(FlaskForm):
    """A button that posts (CSRF only)."""


class ResetForm(FlaskForm):
    confirm = BooleanField(_l("Yes, delete all score cards of this evening"))
    submit = SubmitField(_l("Delete the score cards and unfreeze"))


class SlotForm(FlaskForm):
    minutes = IntegerField(_l("Slot length (minutes)"), validators=[DataRequired(), NumberRange(1, 120)])
    submit = SubmitField(_l("Set slot"))


class PaperForm(FlaskForm):
    code = StringField(_l("Ticket code on the card"), validators=[DataRequired(), Length(max=40)],
                       render_kw={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"})
    keyed_by = StringField(_l("Your name (volunteer)"), validators=[DataRequired(), Length(max=80)])
    comment = TextAreaField(_l("Comment on the card"), validators=[Optional(), Length(max=1000)])
    submit = SubmitField(_l("Save this keying"))


class DiscardForm(FlaskForm):
    ticket_number = IntegerField(_l("Ticket number"), validators=[DataRequired(), NumberRange(min=1)])
    submit = SubmitField(_l("Discard these keyings"))
