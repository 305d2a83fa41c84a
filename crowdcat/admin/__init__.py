"""Administration: users, projects, imports, exports."""
from flask import Blueprint

bp = Blueprint("admin", __name__)
