"""Alembic runs here with the URL that ``scheduler.migrate`` hands it; no alembic.ini is needed."""

from alembic import context

from scheduler.models import Base

config = context.config


def outside_the_models(obj, name, type_, reflected, compare_to) -> bool:
    """The full-text indexes (FTS5 tables, the tsvector column) are made by hand in 0004 and 0017, per
    database: autogenerate must not offer to drop them."""
    return not (name.startswith(("style_fts", "posts_fts")) or name in ("search_vector", "ix_style_search"))


def run_migrations_online():
    connectable = config.attributes.get("connection")
    context.configure(
        connection=connectable, target_metadata=Base.metadata, render_as_batch=True, include_object=outside_the_models
    )
    with context.begin_transaction():
        context.run_migrations()


run_migrations_online()
