import { useCallback, useState } from 'react';
import { createJob, jobProgressPercent } from '../api/jobs';
import type { Job, JobEvent } from '../api/types';
import type { ConnectionState } from '../realtime/eventSocket';
import { useWorkspaceEvents } from '../realtime/useWorkspaceEvents';
import { ErrorNotice } from './ErrorNotice';

const MAX_LOG = 20;

const STATE_LABEL: Record<ConnectionState, string> = {
  connecting: 'Connecting…',
  open: 'Connected',
  reconnecting: 'Reconnecting…',
  closed: 'Disconnected',
};

interface LogEntry {
  seq: number;
  at: string;
  type: string;
  job: Job;
}

/**
 * Starts a "ping" job and follows it through the workspace's event socket.
 * Events are kept per job id, so an event that arrives before the POST
 * answers is not lost.
 */
export function LiveEventsPanel({ workspaceId }: { workspaceId: string }) {
  const [jobs, setJobs] = useState<Record<string, Job>>({});
  const [currentJobId, setCurrentJobId] = useState<string | null>(null);
  const [starting, setStarting] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [log, setLog] = useState<LogEntry[]>([]);

  const onJobEvent = useCallback((event: JobEvent) => {
    const job = withStatus(event);
    setJobs((prev) => ({ ...prev, [String(job.id)]: job }));
    setLog((prev) =>
      [{ seq: (prev[0]?.seq ?? 0) + 1, at: new Date().toLocaleTimeString(), type: event.type, job }, ...prev].slice(
        0,
        MAX_LOG,
      ),
    );
  }, []);

  const connection = useWorkspaceEvents(workspaceId, onJobEvent);

  async function runTestJob() {
    setStarting(true);
    setError(null);
    try {
      const job = await createJob(workspaceId, 'ping');
      const id = String(job.id);
      // Keep a newer state if its events already arrived.
      setJobs((prev) => (prev[id] ? prev : { ...prev, [id]: job }));
      setCurrentJobId(id);
    } catch (err) {
      setError(err);
    } finally {
      setStarting(false);
    }
  }

  const job = currentJobId ? jobs[currentJobId] : undefined;
  const status = starting ? 'starting' : (job?.status ?? 'idle');
  const percent = job ? jobProgressPercent(job) : null;

  return (
    <section className="panel" aria-labelledby="live-events-title">
      <div className="panel-header">
        <h2 id="live-events-title">Live events</h2>
        <span
          className={`connection connection-${connection.state}`}
          data-testid="connection-state"
          data-state={connection.state}
          role="status"
        >
          <span className="dot" aria-hidden="true" />
          {STATE_LABEL[connection.state]}
          {connection.state === 'reconnecting' && connection.retryInMs !== null && (
            <> (retry in {Math.ceil(connection.retryInMs / 1000)} s)</>
          )}
        </span>
      </div>

      <p className="muted">
        Runs a small background job and shows its progress as events arrive over the websocket.
      </p>

      <div className="job-row">
        <button type="button" className="button-primary" onClick={() => void runTestJob()} disabled={starting}>
          Run a test job
        </button>
        <span className="job-status-line">
          Job status:{' '}
          <strong data-testid="job-status" data-status={status} aria-live="polite">
            {status}
          </strong>
          {job && <span className="muted"> (job {String(job.id)})</span>}
        </span>
      </div>

      {job && (
        <div className="job-detail">
          <progress
            max={100}
            value={percent ?? undefined}
            aria-label="Job progress"
            data-testid="job-progress"
          />
          <span>{percent === null ? '—' : `${percent}%`}</span>
          {job.status === 'failed' && job.error && (
            <p className="text-error" data-testid="job-error">
              {job.error}
            </p>
          )}
          {job.result !== null && job.result !== undefined && (
            <pre className="job-result" data-testid="job-result">
              {JSON.stringify(job.result, null, 2)}
            </pre>
          )}
        </div>
      )}

      {error !== null && <ErrorNotice error={error} onDismiss={() => setError(null)} />}

      <h3>Recent events</h3>
      {log.length === 0 ? (
        <p className="muted">No events received yet.</p>
      ) : (
        <ol className="event-log" aria-label="Recent events">
          {log.map((entry) => (
            <li key={entry.seq}>
              <time>{entry.at}</time> <code>{entry.type}</code> job {String(entry.job.id)} · {entry.job.status}
              {jobProgressPercent(entry.job) !== null && ` · ${jobProgressPercent(entry.job)}%`}
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}

/** The job of an event, with a status even if the server left it out. */
function withStatus(event: JobEvent): Job {
  const fallback = event.type === 'job.finished' ? 'finished' : event.type === 'job.failed' ? 'failed' : 'running';
  return { ...event.job, status: event.job.status || fallback };
}
