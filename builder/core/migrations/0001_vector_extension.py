from django.db import migrations


def create_vector_extension(apps, schema_editor):
    from builder.core.database import ensure_vector_extension_available

    ensure_vector_extension_available(schema_editor.connection)
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS vector")


class Migration(migrations.Migration):
    initial = True
    dependencies = []
    operations = [migrations.RunPython(create_vector_extension, migrations.RunPython.noop)]
