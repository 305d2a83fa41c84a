"""Serving scan images through authorized routes only."""
from flask import Blueprint

bp = Blueprint("scans", __name__)
