"""Alembic runs here with the URL that ``scheduler.migrate`` hands it; no alembic.ini is needed."""
from alembic import context

from scheduler.models import Base

config = context.config


def run_migrations_online():
    connectable = config.attributes.get("connection")
    context.configure(connection=connectable, target_metadata=Base.metadata, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


run_migrations_online()
