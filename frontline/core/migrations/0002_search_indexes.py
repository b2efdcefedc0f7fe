from django.db import migrations

from frontline.core.search.engine import create_tables, drop_tables


def create(apps, schema_editor):  # type: ignore[no-untyped-def]
    create_tables(schema_editor.connection)


def drop(apps, schema_editor):  # type: ignore[no-untyped-def]
    drop_tables(schema_editor.connection)


class Migration(migrations.Migration):
    """The search module's index tables: FTS5 virtual tables on SQLite, tables with a
    weighted tsvector under GIN on PostgreSQL (see ``frontline/core/search``)."""

    dependencies = [("core", "0001_initial")]

    operations = [migrations.RunPython(create, drop)]
