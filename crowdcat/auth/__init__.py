"""Sign-up, log-in, log-out, password and profile."""
from flask import Blueprint

bp = Blueprint("auth", __name__)
