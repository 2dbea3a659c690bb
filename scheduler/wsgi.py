"""The WSGI entry point for production servers: ``gunicorn scheduler.wsgi:app``."""

from scheduler import create_app

app = create_app()
