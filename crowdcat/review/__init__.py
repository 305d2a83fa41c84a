"""Review: the reviewers' queue, the review screen, decisions and entry history."""
from flask import Blueprint

bp = Blueprint("review", __name__)
