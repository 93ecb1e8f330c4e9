"""The outbox trigger: a run that is stored finished, or becomes finished, is queued for its
workspace's collector in the same transaction — when an enabled target exports its source.

Statement-level triggers with transition tables: the COPY sink writes runs in batches, and one
INSERT … SELECT per batch costs far less than a trigger call per row. (A column list —
``UPDATE OF status`` — cannot be combined with transition tables, hence the status comparison.)"""

from django.db import migrations

FINISHED = "('succeeded', 'failed', 'cancelled')"

FORWARD = f"""
CREATE FUNCTION telemetry_queue_inserted_runs() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO telemetry_pendingrun (workspace_id, run_id, queued_at)
    SELECT r.workspace_id, r.id, now()
    FROM finished_runs r
    JOIN telemetry_exporttarget t ON t.workspace_id = r.workspace_id
    WHERE t.enabled AND t.sources ? r.source AND r.status IN {FINISHED}
    ON CONFLICT (run_id) DO NOTHING;
    RETURN NULL;
END $$;

CREATE FUNCTION telemetry_queue_updated_runs() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO telemetry_pendingrun (workspace_id, run_id, queued_at)
    SELECT r.workspace_id, r.id, now()
    FROM finished_runs r
    JOIN earlier_runs o ON o.id = r.id
    JOIN telemetry_exporttarget t ON t.workspace_id = r.workspace_id
    WHERE t.enabled AND t.sources ? r.source AND r.status IN {FINISHED} AND o.status NOT IN {FINISHED}
    ON CONFLICT (run_id) DO NOTHING;
    RETURN NULL;
END $$;

CREATE TRIGGER telemetry_queue_inserted_runs AFTER INSERT ON runs_run
    REFERENCING NEW TABLE AS finished_runs
    FOR EACH STATEMENT EXECUTE FUNCTION telemetry_queue_inserted_runs();

CREATE TRIGGER telemetry_queue_updated_runs AFTER UPDATE ON runs_run
    REFERENCING OLD TABLE AS earlier_runs NEW TABLE AS finished_runs
    FOR EACH STATEMENT EXECUTE FUNCTION telemetry_queue_updated_runs();
"""

BACKWARD = """
DROP TRIGGER IF EXISTS telemetry_queue_inserted_runs ON runs_run;
DROP TRIGGER IF EXISTS telemetry_queue_updated_runs ON runs_run;
DROP FUNCTION IF EXISTS telemetry_queue_inserted_runs();
DROP FUNCTION IF EXISTS telemetry_queue_updated_runs();
"""


class Migration(migrations.Migration):
    dependencies = [("telemetry", "0001_initial")]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
