"""The UI language: Flask-Babel set-up and how a request's locale is chosen."""
from __future__ import annotations

import os
from pathlib import Path

from flask import Flask, has_request_context, request
from flask_login import current_user

from crowdcat.config import DEFAULT_LOCALE, LOCALES
from crowdcat.extensions import babel

LANG_COOKIE = "crowdcat_lang"
TRANSLATIONS_DIR = Path(__file__).resolve().parent / "translations"
# Shown in the language switch in the language itself.
LOCALE_NAMES = {"zh_Hant": "繁體中文", "zh_Hans": "简体中文", "en": "English"}


def select_locale() -> str:
    """The signed-in user's choice, else the visitor's cookie, else Traditional Chinese."""
    if not has_request_context():
        return cli_locale()
    if current_user and current_user.is_authenticated and current_user.locale in LOCALES:
        return current_user.locale
    cookie = request.cookies.get(LANG_COOKIE)
    return cookie if cookie in LOCALES else DEFAULT_LOCALE


def cli_locale() -> str:
    """Language of command-line messages, from LANG (zh_TW -> zh_Hant, zh_CN -> zh_Hans)."""
    lang = os.environ.get("CROWDCAT_LOCALE") or os.environ.get("LANG", "")
    if lang in LOCALES:
        return lang
    if lang.startswith(("zh_TW", "zh_HK", "zh_MO")):
        return "zh_Hant"
    if lang.startswith(("zh_CN", "zh_SG", "zh")):
        return "zh_Hans"
    return "en"


def html_lang(locale: str) -> str:
    """BCP 47 tag for the <html lang> attribute (zh_Hant -> zh-Hant)."""
    return locale.replace("_", "-")


def init_app(app: Flask) -> None:
    """Attach Flask-Babel with our catalogs and locale selector."""
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", str(TRANSLATIONS_DIR))
    babel.init_app(app, locale_selector=select_locale)

    @app.context_processor
    def _language_context() -> dict:
        from flask_babel import get_locale

        locale = str(get_locale())
        return {
            "current_locale": locale,
            "html_lang": html_lang(locale),
            "locale_names": LOCALE_NAMES,
        }
