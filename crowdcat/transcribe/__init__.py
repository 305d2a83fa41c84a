"""Volunteer keying: projects, the keying screen, contributions, profile and API tokens."""
from flask import Blueprint

bp = Blueprint("transcribe", __name__)
