/** The app editor at /app/apps/:id: loads the app, then hands over to <Editor>. */
import { ReactFlowProvider } from '@xyflow/react';
import { useEffect, useState } from 'react';
import { Link, useParams } from 'react-router';
import { isAbortError } from '../api/client';
import { getApp, getDraft, listNodeTypes } from '../apps/api';
import type { AppSummary, Draft, NodeTypeDef } from '../apps/types';
import { ErrorNotice } from '../components/ErrorNotice';
import { useSession } from '../session';
import { Editor } from './Editor';
import '@xyflow/react/dist/style.css';
import './editor.css';

interface Loaded {
  app: AppSummary;
  draft: Draft;
  types: NodeTypeDef[];
}

export function EditorPage() {
  const { appId = '' } = useParams();
  const session = useSession();
  const [loaded, setLoaded] = useState<Loaded | null>(null);
  const [error, setError] = useState<unknown>(null);

  useEffect(() => {
    const controller = new AbortController();
    setLoaded(null);
    setError(null);
    Promise.all([
      getApp(session.workspaceId, appId, controller.signal),
      getDraft(session.workspaceId, appId, controller.signal),
      listNodeTypes(controller.signal),
    ])
      .then(([app, draft, types]) => setLoaded({ app, draft, types }))
      .catch((err: unknown) => {
        if (!isAbortError(err)) setError(err);
      });
    return () => controller.abort();
  }, [session.workspaceId, appId]);

  if (error !== null) {
    return (
      <section className="page">
        <p>
          <Link to="/">← Apps</Link>
        </p>
        <ErrorNotice error={error} />
      </section>
    );
  }
  if (!loaded) {
    return (
      <div className="editor editor-loading" aria-busy="true">
        <span className="spinner" /> Opening the app…
      </div>
    );
  }
  return (
    <ReactFlowProvider>
      <Editor key={appId} workspaceId={session.workspaceId} role={session.role} {...loaded} />
    </ReactFlowProvider>
  );
}
