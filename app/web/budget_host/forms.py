from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField, RadioField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional, ValidationError

from app.domain.money import parse_euros
from app.web.rounds.display import KIND_LABELS, PHASE_LABELS, RULE_LABELS


def _euros(_form: FlaskForm, field: StringField) -> None:
    if field.data and parse_euros(field.data) is None:
        raise ValidationError(_l("Please give an amount in euros above 0, like 1500 or 1.500,50."))


class RoundForm(FlaskForm):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    budget = StringField(_l("Budget in euros"), validators=[DataRequired(), Length(max=30), _euros],
                         render_kw={"inputmode": "decimal"})
    bijsluiter = TextAreaField(_l("Information for voters: the goal of this money, what is possible, "
                                  "the conditions"), validators=[Optional(), Length(max=10000)])
    themes = TextAreaField(_l("Themes (optional, one per line)"), validators=[Optional(), Length(max=2000)])
    ballot_kind = SelectField(_l("Kind of ballot"), choices=[(k.value, v) for k, v in KIND_LABELS.items()])
    min_projects = IntegerField(_l("Choose at least this many projects"), default=1,
                                validators=[Optional(), NumberRange(0, 1000)])
    max_projects = IntegerField(_l("Choose at most this many projects (empty: no limit)"),
                                validators=[Optional(), NumberRange(1, 1000)])
    min_spend_percent = IntegerField(_l("Knapsack: spend at least this percentage of the budget (optional)"),
                                     validators=[Optional(), NumberRange(0, 100)])
    total_points = IntegerField(_l("Points: number of points each voter spreads"),
                                validators=[Optional(), NumberRange(1, 1000)])
    max_points_per_project = IntegerField(_l("Points: at most this many points on one project (optional)"),
                                          validators=[Optional(), NumberRange(1, 1000)])
    rule = SelectField(_l("How the winners are chosen"), choices=[(k.value, v) for k, v in RULE_LABELS.items()])
    submit = SubmitField(_l("Save round"))


class PhaseForm(FlaskForm):
    phase = SelectField(_l("Phase"), choices=[(k.value, v) for k, v in PHASE_LABELS.items()])
    submit = SubmitField(_l("Change phase"))


class ReviewForm(FlaskForm):
    decision = RadioField(_l("Is this proposal feasible?"), validators=[DataRequired()],
                          choices=[("feasible", _l("Feasible: it goes on the ballot")),
                                   ("infeasible", _l("Not feasible"))])
    reason = TextAreaField(_l("Reason (shown to everyone)"), validators=[Optional(), Length(max=2000)])
    adjusted_cost = StringField(_l("Adjusted cost in euros (optional)"), validators=[Optional(), _euros],
                                render_kw={"inputmode": "decimal"})
    submit = SubmitField(_l("Save review"))


class KeyingForm(FlaskForm):
    """Keyer and ticket code; the choices are read from the posted project fields, as on the phone ballot."""

    keyer = StringField(_l("Your name or initials"), validators=[DataRequired(), Length(max=80)])
    code = StringField(_l("Ticket code on the paper ballot"), validators=[DataRequired(), Length(max=40)],
                       render_kw={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"})
    submit = SubmitField(_l("Save this paper ballot"))


class ConfirmForm(FlaskForm):
    submit = SubmitField(_l("Remove"))
