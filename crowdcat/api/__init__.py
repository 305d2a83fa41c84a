"""The JSON API for keying (/api/v1): personal bearer tokens, no cookies, no CSRF."""
from flask import Blueprint

from crowdcat.extensions import csrf

bp = Blueprint("api", __name__)
csrf.exempt(bp)
