"""The SQL that keeps the rollups (:mod:`builder.monitoring.models`) up to date, installed by the
migrations. One function per kind of fact, called by the triggers for each statement that writes
API runs or feedback, and once by the migration (``BACKFILL``) for what was stored before.

``monitoring_add_runs(ids)`` adds finished API runs (a run and its node traces are written before
its ``publishing_apirun`` row, in the same transaction) to every grain: run counts, tokens, cost,
errors by code, latency sums and histograms (whole runs, the first token of streamed answers),
node calls per type and model, and daily use per end user. Rows are upserted in key order, so two
writers adding to the same bucket wait for each other instead of deadlocking. (PostgreSQL runs
every data-modifying ``WITH`` part exactly once, read or not.)"""

BIN_LN = "ln(1.1)"  # models.BIN_BASE

ADD_RUNS = f"""
CREATE OR REPLACE FUNCTION monitoring_add_runs(ids uuid[]) RETURNS void LANGUAGE sql AS $$
WITH r AS (
    SELECT run.id, run.workspace_id, coalesce(run.app_id, 0) AS app_id, coalesce(run.version_id, 0) AS version_id,
           api.label, run.source, coalesce(api.api_key_id, 0) AS api_key_id, api.end_user, api.stream,
           api.first_token_ms, run.status, run.error_code, run.tokens_in, run.tokens_out, run.cost,
           coalesce(run.latency_ms, 0) AS latency_ms, run.created_at,
           coalesce((SELECT string_agg(DISTINCT t.inputs->>'model', ',' ORDER BY t.inputs->>'model')
                     FROM runs_nodetrace t WHERE t.run_id = run.id AND t.inputs ? 'model'), '') AS models
    FROM publishing_apirun api JOIN runs_run run ON run.id = api.run_id
    WHERE api.run_id = ANY(ids) AND run.status IN ('succeeded', 'failed', 'cancelled')
), g(grain, unit) AS (VALUES ('m', 'minute'), ('h', 'hour'), ('d', 'day')),
runs AS (
    INSERT INTO monitoring_runrollup AS t (grain, bucket, workspace_id, app_id, version_id, label, source,
        api_key_id, models, error_code, runs, failed, streamed, tokens_in, tokens_out, cost, latency_ms_sum)
    SELECT g.grain, date_trunc(g.unit, r.created_at, 'UTC') AS bucket, r.workspace_id, r.app_id, r.version_id,
           r.label, r.source, r.api_key_id, r.models, r.error_code, count(*),
           count(*) FILTER (WHERE r.status <> 'succeeded'), count(*) FILTER (WHERE r.stream),
           sum(r.tokens_in), sum(r.tokens_out), sum(r.cost), sum(r.latency_ms)
    FROM r CROSS JOIN g
    GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 ORDER BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10
    ON CONFLICT ON CONSTRAINT run_rollup_key DO UPDATE SET
        runs = t.runs + excluded.runs, failed = t.failed + excluded.failed, streamed = t.streamed + excluded.streamed,
        tokens_in = t.tokens_in + excluded.tokens_in, tokens_out = t.tokens_out + excluded.tokens_out,
        cost = t.cost + excluded.cost, latency_ms_sum = t.latency_ms_sum + excluded.latency_ms_sum
), run_bins AS (
    INSERT INTO monitoring_latencybin AS t (grain, bucket, workspace_id, app_id, version_id, label, source,
        api_key_id, models, metric, bin, count)
    SELECT g.grain, date_trunc(g.unit, r.created_at, 'UTC'), r.workspace_id, r.app_id, r.version_id, r.label,
           r.source, r.api_key_id, r.models, 'run',
           greatest(0, floor(ln(greatest(r.latency_ms, 1)) / {BIN_LN}))::smallint, count(*)
    FROM r CROSS JOIN g
    GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11 ORDER BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11
    ON CONFLICT ON CONSTRAINT latency_bin_key DO UPDATE SET count = t.count + excluded.count
), first_token_bins AS (
    INSERT INTO monitoring_latencybin AS t (grain, bucket, workspace_id, app_id, version_id, label, source,
        api_key_id, models, metric, bin, count)
    SELECT g.grain, date_trunc(g.unit, r.created_at, 'UTC'), r.workspace_id, r.app_id, r.version_id, r.label,
           r.source, r.api_key_id, r.models, 'first_token',
           greatest(0, floor(ln(greatest(r.first_token_ms, 1)) / {BIN_LN}))::smallint, count(*)
    FROM r CROSS JOIN g WHERE r.first_token_ms IS NOT NULL
    GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11 ORDER BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11
    ON CONFLICT ON CONSTRAINT latency_bin_key DO UPDATE SET count = t.count + excluded.count
), n AS (
    SELECT r.workspace_id, r.app_id, r.version_id, r.label, r.source, r.api_key_id, r.created_at,
           coalesce(tr.inputs->>'model', '') AS model, tr.node_type, tr.status, tr.tokens_in, tr.tokens_out,
           coalesce(tr.cost, 0) AS cost, tr.latency_ms
    FROM r JOIN runs_nodetrace tr ON tr.run_id = r.id
    WHERE tr.status IN ('succeeded', 'failed')
), nodes AS (
    INSERT INTO monitoring_noderollup AS t (grain, bucket, workspace_id, app_id, version_id, label, source,
        api_key_id, models, node_type, calls, failed, tokens_in, tokens_out, cost, latency_ms_sum)
    SELECT g.grain, date_trunc(g.unit, n.created_at, 'UTC'), n.workspace_id, n.app_id, n.version_id, n.label,
           n.source, n.api_key_id, n.model, n.node_type, count(*), count(*) FILTER (WHERE n.status = 'failed'),
           sum(n.tokens_in), sum(n.tokens_out), sum(n.cost), sum(n.latency_ms)
    FROM n CROSS JOIN g
    GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 ORDER BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10
    ON CONFLICT ON CONSTRAINT node_rollup_key DO UPDATE SET
        calls = t.calls + excluded.calls, failed = t.failed + excluded.failed,
        tokens_in = t.tokens_in + excluded.tokens_in, tokens_out = t.tokens_out + excluded.tokens_out,
        cost = t.cost + excluded.cost, latency_ms_sum = t.latency_ms_sum + excluded.latency_ms_sum
), node_bins AS (
    INSERT INTO monitoring_latencybin AS t (grain, bucket, workspace_id, app_id, version_id, label, source,
        api_key_id, models, metric, bin, count)
    SELECT g.grain, date_trunc(g.unit, n.created_at, 'UTC'), n.workspace_id, n.app_id, n.version_id, n.label,
           n.source, n.api_key_id, n.model, 'node:' || n.node_type,
           greatest(0, floor(ln(greatest(n.latency_ms, 1)) / {BIN_LN}))::smallint, count(*)
    FROM n CROSS JOIN g
    GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11 ORDER BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11
    ON CONFLICT ON CONSTRAINT latency_bin_key DO UPDATE SET count = t.count + excluded.count
)
INSERT INTO monitoring_enduserrollup AS t (day, workspace_id, app_id, end_user, runs, tokens_in, tokens_out, cost)
SELECT (r.created_at AT TIME ZONE 'UTC')::date, r.workspace_id, r.app_id, r.end_user, count(*), sum(r.tokens_in),
       sum(r.tokens_out), sum(r.cost)
FROM r WHERE r.end_user <> ''
GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4
ON CONFLICT ON CONSTRAINT end_user_rollup_key DO UPDATE SET
    runs = t.runs + excluded.runs, tokens_in = t.tokens_in + excluded.tokens_in,
    tokens_out = t.tokens_out + excluded.tokens_out, cost = t.cost + excluded.cost;
$$;
"""

ADD_FEEDBACK = """
CREATE OR REPLACE FUNCTION monitoring_add_feedback(ids bigint[]) RETURNS void LANGUAGE sql AS $$
WITH f AS (
    SELECT run.workspace_id, coalesce(run.app_id, 0) AS app_id, coalesce(run.version_id, 0) AS version_id,
           api.label, run.source, coalesce(api.api_key_id, 0) AS api_key_id, run.created_at, fb.rating, fb.score,
           coalesce((SELECT string_agg(DISTINCT t.inputs->>'model', ',' ORDER BY t.inputs->>'model')
                     FROM runs_nodetrace t WHERE t.run_id = run.id AND t.inputs ? 'model'), '') AS models
    FROM publishing_feedback fb JOIN runs_run run ON run.id = fb.run_id
    JOIN publishing_apirun api ON api.run_id = run.id
    WHERE fb.id = ANY(ids)
), g(grain, unit) AS (VALUES ('m', 'minute'), ('h', 'hour'), ('d', 'day'))
INSERT INTO monitoring_feedbackrollup AS t (grain, bucket, workspace_id, app_id, version_id, label, source,
    api_key_id, models, feedback, positive, negative, scored, score_sum)
SELECT g.grain, date_trunc(g.unit, f.created_at, 'UTC'), f.workspace_id, f.app_id, f.version_id, f.label,
       f.source, f.api_key_id, f.models, count(*), count(*) FILTER (WHERE f.rating > 0),
       count(*) FILTER (WHERE f.rating < 0), count(f.score), coalesce(sum(f.score), 0)
FROM f CROSS JOIN g
GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9 ORDER BY 1, 2, 3, 4, 5, 6, 7, 8, 9
ON CONFLICT ON CONSTRAINT feedback_rollup_key DO UPDATE SET
    feedback = t.feedback + excluded.feedback, positive = t.positive + excluded.positive,
    negative = t.negative + excluded.negative, scored = t.scored + excluded.scored,
    score_sum = t.score_sum + excluded.score_sum;
$$;
"""

TRIGGERS = """
CREATE OR REPLACE FUNCTION monitoring_on_api_runs() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM monitoring_add_runs(ARRAY(SELECT run_id FROM new_api_runs));
    RETURN NULL;
END $$;
CREATE TRIGGER monitoring_api_runs AFTER INSERT ON publishing_apirun
    REFERENCING NEW TABLE AS new_api_runs FOR EACH STATEMENT EXECUTE FUNCTION monitoring_on_api_runs();

CREATE OR REPLACE FUNCTION monitoring_on_feedback() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM monitoring_add_feedback(ARRAY(SELECT id FROM new_feedback));
    RETURN NULL;
END $$;
CREATE TRIGGER monitoring_feedback AFTER INSERT ON publishing_feedback
    REFERENCING NEW TABLE AS new_feedback FOR EACH STATEMENT EXECUTE FUNCTION monitoring_on_feedback();
"""

DROP = """
DROP TRIGGER IF EXISTS monitoring_api_runs ON publishing_apirun;
DROP TRIGGER IF EXISTS monitoring_feedback ON publishing_feedback;
DROP FUNCTION IF EXISTS monitoring_on_api_runs();
DROP FUNCTION IF EXISTS monitoring_on_feedback();
DROP FUNCTION IF EXISTS monitoring_add_runs(uuid[]);
DROP FUNCTION IF EXISTS monitoring_add_feedback(bigint[]);
"""

BACKFILL = """
SELECT monitoring_add_runs(ARRAY(SELECT run_id FROM publishing_apirun));
SELECT monitoring_add_feedback(ARRAY(SELECT fb.id FROM publishing_feedback fb
                                     JOIN publishing_apirun api ON api.run_id = fb.run_id));
"""
