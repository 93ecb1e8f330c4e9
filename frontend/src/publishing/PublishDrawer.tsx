/** The Publish panel: result of the last publish (or why it was refused), then tabs — the
 * endpoint (on/off, URLs, labels with move and one-click rollback, audit list), snippets that
 * run as shown, API keys, the public web chat (Share), approved answers served without the model
 * (Replies), and recent API runs. */
import { memo, useCallback, useEffect, useState } from 'react';
import { errorMessage } from '../api/client';
import type { Issue } from '../apps/types';
import { CopyButton } from './copy';
import { EndpointTab } from './EndpointTab';
import { KeysTab } from './KeysTab';
import { PromptPins } from './PromptPins';
import { RepliesTab } from './RepliesTab';
import { RunsTab } from './RunsTab';
import { ShareTab } from './ShareTab';
import { SnippetsTab } from './SnippetsTab';
import { getEndpoint } from './api';
import type { ApiKeyCreated, EndpointInfo } from './types';
import type { PublishController } from './usePublish';
import './publishing.css';

export type PublishTab = 'endpoint' | 'snippets' | 'keys' | 'share' | 'replies' | 'runs';

export interface PublishDrawerProps {
  workspaceId: string;
  appId: string;
  canEdit: boolean;
  pub: PublishController;
  nodeTitle: (id: string) => string;
  onFocusIssue: (issue: Issue) => void;
  onOpenRun: (runId: string) => void;
  onClose: () => void;
}

const TABS: { id: PublishTab; title: string }[] = [
  { id: 'endpoint', title: 'Endpoint' },
  { id: 'snippets', title: 'Snippets' },
  { id: 'keys', title: 'API keys' },
  { id: 'share', title: 'Share' },
  { id: 'replies', title: 'Replies' },
  { id: 'runs', title: 'API runs' },
];

function StatePill({ pub }: { pub: PublishController }) {
  const s = pub.state;
  if (!s) return null;
  if (s.published) return <span className="pub-pill live" data-testid="publish-state" data-state="live">Live · v{s.production_version}</span>;
  if (s.production_version !== null) return <span className="pub-pill off" data-testid="publish-state" data-state="off">Endpoint off</span>;
  return <span className="pub-pill draft" data-testid="publish-state" data-state="unpublished">Not published</span>;
}

function PublishDrawerInner(p: PublishDrawerProps) {
  const { workspaceId, appId, pub } = p;
  const [tab, setTab] = useState<PublishTab>('endpoint');
  const [endpoint, setEndpoint] = useState<EndpointInfo | null>(null);
  const [created, setCreated] = useState<ApiKeyCreated | null>(null);
  const [loadError, setLoadError] = useState<unknown>(null);

  useEffect(() => {
    const ctl = new AbortController();
    getEndpoint(workspaceId, appId, ctl.signal).then(
      (e) => (setEndpoint(e), setLoadError(null)),
      (err) => !ctl.signal.aborted && setLoadError(err),
    );
    return () => ctl.abort();
  }, [workspaceId, appId, pub.revision]);

  const onKeyCreated = useCallback((k: ApiKeyCreated | null) => setCreated(k), []);
  const blocked = pub.blocked;

  return (
    <aside className="side-panel publish-panel" aria-label="Publish" data-testid="publish-panel">
      <header className="side-head">
        <h2>Publish</h2>
        <StatePill pub={pub} />
        <button type="button" className="icon-btn" onClick={p.onClose} aria-label="Close publish panel">
          ×
        </button>
      </header>

      {pub.busy && (
        <div className="pub-banner pub-busy" role="status">
          <span className="spinner" aria-hidden="true" /> Validating and publishing…
        </div>
      )}
      {blocked && (
        <div className="pub-banner pub-blocked" role="alert" data-testid="publish-blocked">
          <strong>
            Not published: fix the {blocked.length} issue{blocked.length === 1 ? '' : 's'} in the Checklist first.
          </strong>
          <ul>
            {blocked.map((i, k) => (
              <li key={k}>
                <button type="button" className="link-btn" onClick={() => p.onFocusIssue(i)} title="Show on the canvas">
                  {i.node_id ? p.nodeTitle(i.node_id) : i.edge_id ? 'Connection' : 'App'}
                </button>{' '}
                — {i.message}
              </li>
            ))}
          </ul>
        </div>
      )}
      {pub.success && pub.state?.production_version === pub.success.version && (
        <div className="pub-banner pub-success" role="status" data-testid="publish-success">
          <div className="pub-success-head">
            <strong>Published v{pub.success.version}</strong>
            <span className="muted small">production serves it now</span>
            <button type="button" className="icon-btn" aria-label="Dismiss" onClick={pub.dismiss}>
              ×
            </button>
          </div>
          {pub.success.warnings.length > 0 && (
            <div className="pub-warnings" data-testid="publish-warnings">
              <p className="small">
                Published with {pub.success.warnings.length === 1 ? '1 warning' : `${pub.success.warnings.length} warnings`}:
              </p>
              <ul>
                {pub.success.warnings.map((i, k) => (
                  <li key={k}>
                    <button type="button" className="link-btn" onClick={() => p.onFocusIssue(i)} title="Show on the canvas">
                      {i.node_id ? p.nodeTitle(i.node_id) : 'App'}
                    </button>{' '}
                    — {i.message}
                  </li>
                ))}
              </ul>
            </div>
          )}
          {pub.success.url && (
            <div className="url-row">
              <code data-testid="publish-success-url">{pub.success.url}</code>
              <CopyButton text={pub.success.url} what="endpoint URL" />
            </div>
          )}
          <p className="small">
            Next:{' '}
            <button type="button" className="link-btn" onClick={() => setTab('keys')}>
              create an API key
            </button>{' '}
            and{' '}
            <button type="button" className="link-btn" onClick={() => setTab('snippets')}>
              copy a snippet
            </button>
            .
          </p>
        </div>
      )}
      {pub.error !== null && (
        <div className="pub-banner pub-error" role="alert">
          {errorMessage(pub.error)}
        </div>
      )}
      {loadError !== null && (
        <div className="pub-banner pub-error" role="alert">
          {errorMessage(loadError)}
        </div>
      )}

      <PromptPins workspaceId={String(workspaceId)} appId={String(appId)} state={pub.state} canEdit={p.canEdit} onState={pub.setState} />
      <div className="tabs" role="tablist" aria-label="Publish sections">
        {TABS.map((t) => (
          <button key={t.id} type="button" role="tab" aria-selected={tab === t.id} onClick={() => setTab(t.id)} id={`pub-tab-${t.id}`}>
            {t.title}
          </button>
        ))}
      </div>
      <div className="side-body" role="tabpanel" aria-labelledby={`pub-tab-${tab}`}>
        {tab === 'endpoint' && <EndpointTab workspaceId={workspaceId} appId={appId} canEdit={p.canEdit} pub={pub} endpoint={endpoint} />}
        {tab === 'snippets' && <SnippetsTab endpoint={endpoint} secret={created?.secret ?? null} published={!!pub.state?.published} onKeys={() => setTab('keys')} />}
        {tab === 'keys' && <KeysTab workspaceId={workspaceId} appId={appId} canEdit={p.canEdit} created={created} onCreated={onKeyCreated} onSnippets={() => setTab('snippets')} />}
        {tab === 'share' && <ShareTab workspaceId={workspaceId} appId={appId} canEdit={p.canEdit} revision={pub.revision} />}
        {tab === 'replies' && <RepliesTab workspaceId={workspaceId} appId={appId} canEdit={p.canEdit} />}
        {tab === 'runs' && <RunsTab workspaceId={workspaceId} appId={appId} onOpenRun={p.onOpenRun} />}
      </div>
    </aside>
  );
}

export const PublishDrawer = memo(PublishDrawerInner);
