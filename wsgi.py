"""Gunicorn entry point: `gunicorn wsgi:app`."""
from crowdcat import create_app

app = create_app()
