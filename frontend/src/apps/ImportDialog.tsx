/** Import a file: the server's dry-run report first; nothing is created until the user confirms. */
import { useEffect, useRef, useState } from 'react';
import { errorMessage } from '../api/client';
import { Modal } from '../components/Modal';
import { importApp } from './api';
import type { AppSummary, ImportReport } from './types';

export function ImportDialog({
  workspaceId,
  file,
  onCreated,
  onClose,
}: {
  workspaceId: string;
  file: { content: string; filename: string };
  onCreated: (app: AppSummary) => void;
  onClose: () => void;
}) {
  const [report, setReport] = useState<ImportReport | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [creating, setCreating] = useState(false);
  const closeRef = useRef<HTMLButtonElement>(null);

  useEffect(() => {
    let live = true;
    importApp(workspaceId, file, true)
      .then((r) => live && setReport(r as ImportReport))
      .catch((e: unknown) => live && setError(e));
    return () => {
      live = false;
    };
  }, [workspaceId, file]);
  useEffect(() => closeRef.current?.focus(), []);

  const create = async () => {
    setCreating(true);
    setError(null);
    try {
      const res = (await importApp(workspaceId, file, false)) as { app: AppSummary };
      onCreated(res.app);
    } catch (e) {
      setError(e);
      setCreating(false);
    }
  };

  const nodes = report?.graph?.nodes.length ?? 0;
  const needsModel = report?.needs_model ?? [];
  return (
    <Modal labelledBy="import-title" onClose={onClose} className="modal-wide" testId="import-report">
      <header className="modal-head">
        <h2 id="import-title">Import “{file.filename}”</h2>
        <button ref={closeRef} type="button" className="icon-btn" aria-label="Close import" onClick={onClose}>
          ×
        </button>
      </header>
      {!report && error === null && (
        <p>
          <span className="spinner" /> Checking the file…
        </p>
      )}
      {report && (
        <div className="import-report">
          <dl className="facts">
            <dt>Format</dt>
            <dd>{report.format === 'dify' ? 'Dify DSL' : report.format === 'llmops' ? 'LLMOps Studio' : report.format}</dd>
            <dt>App name</dt>
            <dd data-testid="import-app-name">
              {report.app_name || report.name || '—'}
              {report.app_name && report.name && report.app_name !== report.name && (
                <span className="muted small"> (an app named “{report.name}” already exists here)</span>
              )}
            </dd>
            <dt>Nodes</dt>
            <dd>
              {nodes} imported{report.unmapped.length ? `, ${report.unmapped.length} not mapped` : ''}
            </dd>
          </dl>
          {report.unmapped.length > 0 && (
            <section>
              <h3>Nodes that could not be mapped</h3>
              <p className="muted small">They are left out of the new app; rebuild them with the nodes we have.</p>
              <table className="plain-table">
                <thead>
                  <tr>
                    <th>Title</th>
                    <th>Type</th>
                    <th>Why</th>
                  </tr>
                </thead>
                <tbody>
                  {report.unmapped.map((u) => (
                    <tr key={u.id}>
                      <td>{u.title || u.id}</td>
                      <td>
                        <code>{u.type}</code>
                      </td>
                      <td>{u.reason}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </section>
          )}
          {needsModel.length > 0 && (
            <section data-testid="import-needs-model">
              <h3>
                {needsModel.length === 1 ? '1 node needs' : `${needsModel.length} nodes need`} a model chosen
              </h3>
              <p className="muted small">
                Their models are not available here. The app opens with these nodes marked: choose an available model in each, or ask
                the operator to configure the provider.
              </p>
              <table className="plain-table">
                <thead>
                  <tr>
                    <th>Node</th>
                    <th>Model in the file</th>
                  </tr>
                </thead>
                <tbody>
                  {needsModel.map((n) => (
                    <tr key={`${n.node_id}:${n.field ?? ''}`}>
                      <td>{n.title || n.node_id}</td>
                      <td>
                        <code>{n.provider && n.model ? `${n.provider}/${n.model}` : n.field ?? 'model'}</code>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </section>
          )}
          {report.issues.length > 0 && (
            <section>
              <h3>Issues to fix after import ({report.issues.length})</h3>
              <ul className="issue-list">
                {report.issues.map((i, n) => (
                  <li key={n}>
                    {i.node_id && <code>{i.node_id}</code>} {i.message}
                  </li>
                ))}
              </ul>
            </section>
          )}
          {report.warnings.length > 0 && (
            <section>
              <h3>Warnings</h3>
              <ul className="issue-list">
                {report.warnings.map((w, n) => (
                  <li key={n}>{w}</li>
                ))}
              </ul>
            </section>
          )}
          {!report.unmapped.length && !report.issues.length && !report.warnings.length && (
            <p className="notice notice-ok">Everything maps cleanly.</p>
          )}
        </div>
      )}
      {error !== null && (
        <p className="notice notice-error" role="alert">
          {errorMessage(error)}
        </p>
      )}
      <footer className="modal-foot">
        <button type="button" onClick={onClose}>
          Cancel
        </button>
        <button type="button" className="button-primary" disabled={!report || !report.graph || creating} onClick={() => void create()}>
          {creating ? 'Creating…' : 'Create app'}
        </button>
      </footer>
    </Modal>
  );
}
