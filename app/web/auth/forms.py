from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, SubmitField
from wtforms.validators import DataRequired, EqualTo, Length


class LoginForm(FlaskForm):
    email = EmailField(_l("E-mail address"), validators=[DataRequired()])
    password = PasswordField(_l("Password"), validators=[DataRequired()])
    submit = SubmitField(_l("Log in"))


class SetupForm(FlaskForm):
    email = EmailField(_l("E-mail address"), validators=[DataRequired()])
    password = PasswordField(_l("Password (at least 10 characters)"), validators=[DataRequired(), Length(min=10)])
    confirm = PasswordField(_l("Password again"),
                            validators=[DataRequired(), EqualTo("password", message=_l("The passwords differ."))])
    submit = SubmitField(_l("Create admin account"))
