from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, SelectField, SubmitField
from wtforms.validators import DataRequired, Optional

ROLE_CHOICES = [("host", _l("Host")), ("committee", _l("Committee member")), ("admin", _l("Admin"))]


class UserForm(FlaskForm):
    email = EmailField(_l("E-mail address"), validators=[DataRequired()])
    role = SelectField(_l("Role"), choices=ROLE_CHOICES)
    password = PasswordField(_l("Password (leave empty to generate one)"), validators=[Optional()])
    submit = SubmitField(_l("Create account"))
