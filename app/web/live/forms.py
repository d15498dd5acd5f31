from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length

from app.services.live import MAX_QUESTION


class ReactionForm(FlaskForm):
    """The kind comes from the button pressed (``name="kind"``), so one form holds all three buttons."""


class QuestionForm(FlaskForm):
    text = TextAreaField(_l("Your question to this bidder"),
                         validators=[DataRequired(), Length(max=MAX_QUESTION)],
                         render_kw={"maxlength": MAX_QUESTION, "rows": 3})
    submit = SubmitField(_l("Send question"))


class ButtonForm(FlaskForm):
    """A form that is only a button (vote, approve, hide, renew): the CSRF token is all it carries."""
