from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, RadioField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length


class PublishForm(FlaskForm):
    submit = SubmitField(_l("Publish the results and the report"))


class MemberForm(FlaskForm):
    email = EmailField(_l("E-mail address of the committee member's account"),
                       validators=[DataRequired(), Length(max=254)])
    submit = SubmitField(_l("Give access"))


class RemoveMemberForm(FlaskForm):
    email = EmailField(validators=[DataRequired()])
    submit = SubmitField(_l("Remove access"))


class LinkForm(FlaskForm):
    submit = SubmitField(_l("Make a new committee link"))


class DecisionForm(FlaskForm):
    """``bidder`` choices are the event's bidders plus "" for none of them."""

    bidder = RadioField(_l("Which bidder did the committee choose?"), validators=[InputRequired()])
    reasons = TextAreaField(_l("Reasons: what did the committee do with the advice, and why?"),
                            validators=[DataRequired(), Length(max=5000)])
    submit = SubmitField(_l("Save the decision"))
