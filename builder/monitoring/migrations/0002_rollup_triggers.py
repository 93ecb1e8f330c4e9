from django.db import migrations

from builder.monitoring import rollup_sql


class Migration(migrations.Migration):
    dependencies = [
        ("monitoring", "0001_initial"),
        ("publishing", "0005_apirun_first_token_ms"),
        ("runs", "0006_alter_run_prompt_version_alter_run_source"),
    ]

    operations = [
        migrations.RunSQL(rollup_sql.ADD_RUNS + rollup_sql.ADD_FEEDBACK + rollup_sql.TRIGGERS, rollup_sql.DROP),
        # what was published before monitoring existed
        migrations.RunSQL(rollup_sql.BACKFILL, migrations.RunSQL.noop),
    ]
