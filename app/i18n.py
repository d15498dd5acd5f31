"""Language choice: the user's remembered choice, else the browser's Accept-Language, else Dutch."""

from __future__ import annotations

from flask import Flask, current_app, request, session
from flask_babel import get_locale

from app.extensions import babel


def select_locale() -> str:
    languages = current_app.config["LANGUAGES"]
    chosen = session.get("language")
    if chosen in languages:
        return str(chosen)
    return request.accept_languages.best_match(languages) or current_app.config["BABEL_DEFAULT_LOCALE"]


def init_app(app: Flask) -> None:
    babel.init_app(app, locale_selector=select_locale,
                   default_translation_directories="translations")
    app.jinja_env.globals["current_language"] = lambda: str(get_locale() or "nl")
