/** The editor: canvas, palette, node panel, run panel, versions, and how they talk. */
import { useReactFlow, type IsValidConnection } from '@xyflow/react';
import { useCallback, useEffect, useMemo, useState } from 'react';
import { useSearchParams } from 'react-router';
import { errorMessage } from '../api/client';
import { downloadExport, listModels, listTools, updateApp } from '../apps/api';
import type { AppSummary, Draft, Issue, ModelOption, NodeTypeDef, ToolOption, VersionDetail } from '../apps/types';
import { Canvas, type PointerMode } from './canvas/Canvas';
import { NodePicker, type PickerRequest } from './canvas/NodePicker';
import { Palette } from './canvas/Palette';
import { EditorContext, type EditorContextValue, type EditorStores } from './context';
import { EditorHeader } from './header/EditorHeader';
import { ShortcutsSheet } from './header/ShortcutsSheet';
import { materializePaste, parseClipboard, serializeSelection } from './model/clipboard';
import type { DiffModel } from './model/diffModel';
import { normalizeGraph, noteOfNode, specOfNode, type CanvasEdge, type CanvasNode, type FlowNode, type NoteNode } from './model/graph';
import { edgeId, newNoteId } from './model/ids';
import { createKeyedStore } from './model/keyedStore';
import type { ShortcutAction } from './model/keyboard';
import { newNodeSpec } from './model/newNode';
import { upstreamVariables } from './model/upstream';
import { NodePanel } from './panel/NodePanel';
import { coerceInput, RunPanel } from './run/RunPanel';
import { useFollowRunningNode, useRunEdges } from './run/useRunDisplay';
import { useRunSession } from './run/useRunSession';
import { useRunValues } from './run/useRunValues';
import { useDraftSync } from './useDraftSync';
import { useEditorKeys } from './useEditorKeys';
import { useGraphDocument } from './useGraphDocument';
import { useValidation } from './useValidation';
import { EDIT, FIT, useViewGraph, type View } from './useViewGraph';
import { VersionsDrawer } from './versions/VersionsDrawer';
import { PublishDrawer } from '../publishing/PublishDrawer';
import { usePublish } from '../publishing/usePublish';

const READ_ONLY_ROLES = new Set(['viewer', 'annotator']);

export function Editor({
  workspaceId,
  role,
  app,
  draft,
  types,
}: {
  workspaceId: string;
  role: string;
  app: AppSummary;
  draft: Draft;
  types: NodeTypeDef[];
}) {
  const appId = String(app.id);
  const canEdit = !READ_ONLY_ROLES.has(role);
  const typeMap = useMemo(() => new Map(types.map((t) => [t.type, t])), [types]);
  const stores = useMemo<EditorStores>(
    () => ({ status: createKeyedStore(), issues: createKeyedStore(), diff: createKeyedStore() }),
    [],
  );
  const doc = useGraphDocument();
  const validation = useValidation(workspaceId, appId, doc, stores.issues, canEdit);
  const sync = useDraftSync(workspaceId, appId, doc, validation.setIssues, canEdit);
  const runs = useRunSession(workspaceId, appId, stores.status);
  const flow = useReactFlow<CanvasNode, CanvasEdge>();

  const [appName, setAppName] = useState(app.name);
  const [models, setModels] = useState<ModelOption[] | null>(null);
  const [tools, setTools] = useState<ToolOption[] | null>(null);
  const [view, setView] = useState<View>(EDIT);
  const [drawer, setDrawer] = useState<'run' | 'versions' | 'publish' | null>(null);
  const [picker, setPicker] = useState<PickerRequest | null>(null);
  const [mode, setMode] = useState<PointerMode>('pointer');
  const [showShortcuts, setShowShortcuts] = useState(false);
  const [panelClosed, setPanelClosed] = useState(false);
  const [toast, setToast] = useState<string | null>(null);
  const [actionError, setActionError] = useState<unknown>(null);
  const { values: runValues, setValues: setRunValues, remember: rememberRunValues } = useRunValues(appId);

  // First load: the draft is the saved state.
  const { ops } = doc;
  const { load, getGraph, getDoc } = ops;
  const { adopt } = sync;
  const { setIssues } = validation;
  useEffect(() => {
    load(normalizeGraph(draft.graph));
    adopt(draft.revision, draft.updated_at);
    setIssues(draft.issues ?? []);
  }, [draft, load, adopt, setIssues]);

  useEffect(() => {
    listModels(workspaceId).then(setModels).catch(() => setModels([]));
    listTools(workspaceId).then(setTools).catch(() => setTools([]));
  }, [workspaceId]);

  useEffect(() => {
    if (!toast) return undefined;
    const t = setTimeout(() => setToast(null), 3000);
    return () => clearTimeout(t);
  }, [toast]);

  const editing = view.kind === 'edit';
  const readOnly = !editing || !canEdit;

  // ---- read-only views (a past run, a version, a diff) draw their own graph
  const { viewGraph, viewNodes, viewEdges, onViewNodesChange, selectInView } = useViewGraph(view, stores);

  // ---- what the canvas draws
  const baseNodes = editing ? doc.doc.nodes : viewNodes;
  const baseEdges = editing ? doc.doc.edges : viewEdges;
  const live = runs.shown;
  const edgeIssues = useMemo(() => new Set(validation.issues.map((i) => i.edge_id).filter(Boolean)), [validation.issues]);
  const displayEdges = useRunEdges(baseEdges, live, edgeIssues);

  const selectedId = useMemo(() => {
    const sel = baseNodes.filter((n) => n.selected && n.type === 'flow');
    return sel.length === 1 ? sel[0]!.id : null;
  }, [baseNodes]);
  useEffect(() => setPanelClosed(false), [selectedId]);
  const selectedNode = selectedId ? (baseNodes.find((n) => n.id === selectedId) as FlowNode | undefined) : undefined;

  // ---- helpers that read the current graph lazily (stable identities)
  const nodeTitle = useCallback(
    (id: string) => {
      const n = getDoc().nodes.find((x) => x.id === id) as FlowNode | undefined;
      return n?.data.spec?.title || typeMap.get(n?.data.spec?.type ?? '')?.title || id;
    },
    [getDoc, typeMap],
  );
  const nodeType = useCallback(
    (id: string) => (getDoc().nodes.find((x) => x.id === id) as FlowNode | undefined)?.data.spec?.type,
    [getDoc],
  );
  const getVariables = useCallback(
    (nodeId: string) => {
      const d = getDoc();
      const specs = d.nodes.filter((n) => n.type === 'flow').map((n) => (n as FlowNode).data.spec);
      const edges = d.edges.map((e) => ({ source: e.source, target: e.target }));
      return upstreamVariables(nodeId, specs, edges, typeMap, d.meta.inputs);
    },
    [getDoc, typeMap],
  );

  const canvasCenter = useCallback(() => {
    const el = window.document.querySelector('[data-testid="canvas"]');
    const r = el?.getBoundingClientRect();
    const screen = r ? { x: r.left + r.width / 2, y: r.top + r.height / 2 } : { x: 400, y: 300 };
    return flow.screenToFlowPosition(screen);
  }, [flow]);

  /** Pans (keeping the zoom) when a point of the flow is outside the visible canvas. */
  const revealPoint = useCallback(
    (p: { x: number; y: number }) => {
      requestAnimationFrame(() => {
        const el = window.document.querySelector('[data-testid="canvas"]');
        const r = el?.getBoundingClientRect();
        if (!r) return;
        const s = flow.flowToScreenPosition(p);
        const margin = 60;
        if (s.x < r.left + margin || s.x > r.right - margin || s.y < r.top + margin || s.y > r.bottom - margin) {
          void flow.setCenter(p.x, p.y, { zoom: flow.getZoom(), duration: 250 });
        }
      });
    },
    [flow],
  );

  useFollowRunningNode(editing ? live : null, baseNodes, revealPoint);

  const addNodeOfType = useCallback(
    (type: string, position: { x: number; y: number }, from?: { nodeId: string; handle: string }) => {
      const def = typeMap.get(type);
      if (!def || readOnly) return;
      const taken = new Set(getDoc().nodes.map((n) => n.id));
      const spec = newNodeSpec(def, position, taken, models ?? []);
      const edges = from
        ? [{ id: edgeId(from.nodeId, from.handle, spec.id, 'in'), source: from.nodeId, source_handle: from.handle, target: spec.id, target_handle: 'in' }]
        : [];
      ops.addNodes([spec], edges);
      revealPoint({ x: spec.position.x + 120, y: spec.position.y + 40 });
    },
    [typeMap, readOnly, getDoc, models, ops, revealPoint],
  );

  const actions = useMemo<EditorContextValue['actions']>(
    () => ({
      openPickerFromHandle: (nodeId, handle, anchor) => {
        const n = getDoc().nodes.find((x) => x.id === nodeId);
        const outs = getDoc().edges.filter((e) => e.source === nodeId).length;
        const flowPos = n ? { x: n.position.x + (n.measured?.width ?? 240) + 80, y: n.position.y + outs * 40 } : canvasCenter();
        setPicker({ screen: anchor, flow: flowPos, from: { nodeId, handle } });
      },
      updateNoteText: (noteId, text) => ops.updateNote(noteId, (n) => ({ ...n, text })),
    }),
    [getDoc, canvasCenter, ops],
  );
  const ctx = useMemo<EditorContextValue>(() => ({ types: typeMap, stores, actions }), [typeMap, stores, actions]);

  const focusNode = useCallback(
    (id: string) => {
      if (editing) ops.selectOnly([id]);
      else selectInView(id);
      void flow.fitView({ nodes: [{ id }], duration: 300, maxZoom: 1.1, padding: 0.6 });
    },
    [editing, ops, flow, selectInView],
  );
  const focusIssue = useCallback(
    (issue: Issue) => {
      if (!editing) setView(EDIT);
      if (issue.node_id) focusNode(issue.node_id);
      else if (issue.edge_id) {
        const e = getDoc().edges.find((x) => x.id === issue.edge_id);
        if (e) focusNode(e.source);
      }
    },
    [editing, focusNode, getDoc],
  );

  // ---- runs
  const backToDraft = useCallback(() => {
    setView(EDIT);
    runs.clearShown();
  }, [runs]);

  const startRun = useCallback(async () => {
    setDrawer('run');
    if (validation.issues.length > 0 || !canEdit) return;
    if (!editing) setView(EDIT);
    if (!(await sync.flush())) {
      setActionError(new Error('The draft could not be saved, so the run would not use your latest changes. Resolve the save problem first.'));
      return;
    }
    const inputs = Object.fromEntries(doc.doc.meta.inputs.map((i) => [i.name, coerceInput(i, runValues[i.name] ?? '')]));
    rememberRunValues();
    await runs.start(inputs);
  }, [validation.issues.length, canEdit, editing, sync, doc.doc.meta.inputs, runValues, rememberRunValues, runs]);

  const openRun = useCallback(
    async (runId: string) => {
      const run = await runs.open(runId);
      if (run) setView({ kind: 'run', runId, graph: normalizeGraph(run.graph ?? getGraph()) });
    },
    [runs, getGraph],
  );

  const { startNode } = runs;
  const flushDraft = sync.flush;
  const runNode = useCallback(
    async (nodeId: string, variables: Record<string, unknown>) => {
      if (!(await flushDraft())) return;
      setDrawer('run');
      await startNode(nodeId, variables);
    },
    [flushDraft, startNode],
  );

  // ---- clipboard and keys
  const selectedSpecs = useCallback(() => {
    const d = getDoc();
    const nodes = d.nodes.filter((n) => n.selected && n.type === 'flow').map((n) => specOfNode(n as FlowNode));
    const notes = d.nodes.filter((n) => n.selected && n.type === 'note').map((n) => noteOfNode(n as NoteNode));
    return { nodes, notes, edges: getGraph().edges };
  }, [getDoc, getGraph]);

  const pasteText = useCallback(
    (text: string, offset?: { x: number; y: number }) => {
      const payload = parseClipboard(text);
      if (!payload || readOnly) return false;
      let delta = offset;
      if (!delta) {
        const xs = [...payload.nodes, ...payload.notes].map((n) => n.position?.x ?? 0);
        const ys = [...payload.nodes, ...payload.notes].map((n) => n.position?.y ?? 0);
        const c = canvasCenter();
        delta = { x: c.x - Math.min(...xs, c.x), y: c.y - Math.min(...ys, c.y) };
      }
      const taken = new Set(getDoc().nodes.map((n) => n.id));
      const unknown = payload.nodes.filter((n) => !typeMap.has(n.type)).length;
      const out = materializePaste(payload, taken, delta);
      ops.addNodes(out.nodes, out.edges, out.notes);
      setToast(`Pasted ${out.nodes.length} node${out.nodes.length === 1 ? '' : 's'}${unknown ? ` (${unknown} of an unknown type)` : ''}.`);
      return true;
    },
    [readOnly, canvasCenter, getDoc, typeMap, ops],
  );

  const onAction = useCallback(
    (action: ShortcutAction) => {
      switch (action) {
        case 'undo':
          if (!readOnly) ops.undo();
          break;
        case 'redo':
          if (!readOnly) ops.redo();
          break;
        case 'delete':
          if (!readOnly) ops.deleteSelection();
          break;
        case 'duplicate': {
          if (readOnly) break;
          const s = selectedSpecs();
          if (s.nodes.length || s.notes.length) pasteText(serializeSelection(s.nodes, s.edges, s.notes), { x: 40, y: 40 });
          break;
        }
        case 'organize':
          if (!readOnly) {
            ops.organize();
            requestAnimationFrame(() => void flow.fitView({ ...FIT, duration: 300 }));
          }
          break;
        case 'fitView':
          void flow.fitView({ ...FIT, duration: 200 });
          break;
        case 'run':
          void startRun();
          break;
        case 'shortcuts':
          setShowShortcuts((s) => !s);
          break;
        case 'selectAll':
          if (editing) ops.selectAll();
          break;
        default:
          break;
      }
    },
    [readOnly, ops, selectedSpecs, pasteText, flow, startRun, editing],
  );

  useEditorKeys({
    onAction,
    onEscape: () => {
      if (showShortcuts) setShowShortcuts(false);
      else if (picker) setPicker(null);
      else if (selectedId) (editing ? ops.selectOnly([]) : selectInView(null));
    },
    onCopy: () => {
      if (!editing) return null;
      const s = selectedSpecs();
      if (!s.nodes.length && !s.notes.length) return null;
      setToast(`Copied ${s.nodes.length} node${s.nodes.length === 1 ? '' : 's'} — paste here or in another app.`);
      return serializeSelection(s.nodes, s.edges, s.notes);
    },
    onPaste: (text) => pasteText(text),
  });

  // ---- canvas callbacks (stable)
  const isValidConnection: IsValidConnection<CanvasEdge> = useCallback(
    (c) => {
      if (c.source === c.target) return false;
      const target = getDoc().nodes.find((n) => n.id === c.target) as FlowNode | undefined;
      return !!target && target.type === 'flow' && !typeMap.get(target.data.spec.type)?.is_start;
    },
    [getDoc, typeMap],
  );
  const onDropType = useCallback((type: string, pos: { x: number; y: number }) => addNodeOfType(type, pos), [addNodeOfType]);
  const onConnectToEmpty = useCallback(
    (from: { nodeId: string; handle: string }, screen: { x: number; y: number }, flowPos: { x: number; y: number }) =>
      setPicker({ screen, flow: { x: flowPos.x, y: flowPos.y - 30 }, from }),
    [],
  );
  const onNodeClick = useCallback((id: string) => {
    if (!editing) selectInView(id);
    setPanelClosed(false);
  }, [editing, selectInView]);
  const onPaneClick = useCallback(() => setPicker(null), []);
  const onAddNode = useCallback((screen: { x: number; y: number }) => setPicker({ screen, flow: canvasCenter() }), [canvasCenter]);
  const onAddNote = useCallback(() => {
    const c = canvasCenter();
    const taken = new Set(getDoc().nodes.map((n) => n.id));
    ops.addNodes([], [], [{ id: newNoteId(taken), text: '', position: { x: c.x - 110, y: c.y - 70 }, width: 220, height: 140, color: 'yellow' }]);
  }, [canvasCenter, getDoc, ops]);
  const onOrganize = useCallback(() => onAction('organize'), [onAction]);
  const onPaletteAdd = useCallback((type: string) => {
    const c = canvasCenter();
    addNodeOfType(type, { x: c.x - 120, y: c.y - 40 });
  }, [canvasCenter, addNodeOfType]);

  const onRename = useCallback(
    (name: string) => {
      updateApp(workspaceId, appId, { name })
        .then((a) => setAppName(a.name))
        .catch(setActionError);
    },
    [workspaceId, appId],
  );
  const onExport = useCallback(
    async (format: 'yaml' | 'json') => {
      try {
        await sync.flush();
        await downloadExport(workspaceId, appId, format, app.slug || appName);
      } catch (err) {
        setActionError(err);
      }
    },
    [sync, workspaceId, appId, app.slug, appName],
  );

  const onRestored = useCallback(
    (d: Draft) => {
      setView(EDIT);
      ops.replace(normalizeGraph(d.graph));
      adopt(d.revision, d.updated_at);
      setIssues(d.issues ?? []);
    },
    [ops, adopt, setIssues],
  );
  const onOpenVersion = useCallback((v: VersionDetail) => setView({ kind: 'version', number: v.number, graph: normalizeGraph(v.graph) }), []);
  const onDiff = useCallback((model: DiffModel, label: string) => setView({ kind: 'diff', model, label }), []);

  const { flush } = sync;
  const toggleRun = useCallback(() => setDrawer((d) => (d === 'run' ? null : 'run')), []);
  const toggleVersions = useCallback(() => setDrawer((d) => (d === 'versions' ? null : 'versions')), []);
  const pub = usePublish(workspaceId, appId, validation.issues, sync.flush);
  const { publish } = pub;
  const onPublish = useCallback(() => {
    setDrawer('publish');
    void publish();
  }, [publish]);
  const togglePublish = useCallback(() => setDrawer((d) => (d === 'publish' ? null : 'publish')), []);
  const openApiRun = useCallback(
    (id: string) => {
      setDrawer('run');
      void openRun(id);
    },
    [openRun],
  );
  // ?run=<id> (the run detail page's "open on canvas"): show that run read-only, then drop the parameter.
  const [searchParams, setSearchParams] = useSearchParams();
  const requestedRun = searchParams.get('run');
  useEffect(() => {
    if (!requestedRun) return;
    openApiRun(requestedRun);
    setSearchParams(
      (p) => {
        p.delete('run');
        return p;
      },
      { replace: true },
    );
  }, [requestedRun, openApiRun, setSearchParams]);
  const onExportClick = useCallback((f: 'yaml' | 'json') => void onExport(f), [onExport]);
  const openShortcuts = useCallback(() => setShowShortcuts(true), []);
  const retrySave = useCallback(() => void flush(), [flush]);
  const onRunNode = useCallback((id: string, vars: Record<string, unknown>) => void runNode(id, vars), [runNode]);
  const onClosePanel = useCallback(() => setPanelClosed(true), []);

  const issuesOfSelected = useMemo(
    () => (selectedId ? validation.issues.filter((i) => i.node_id === selectedId) : []),
    [selectedId, validation.issues],
  );
  const nodeIds = useMemo(() => new Set(doc.doc.nodes.filter((n) => n.type === 'flow').map((n) => n.id)), [doc.doc.nodes.length]); // eslint-disable-line
  const startId = useMemo(
    () => (doc.doc.nodes.find((n) => n.type === 'flow' && typeMap.get((n as FlowNode).data.spec.type)?.is_start)?.id ?? null),
    [doc.doc.nodes.length, typeMap], // eslint-disable-line
  );

  const viewBanner =
    view.kind === 'run'
      ? 'Past run — read-only. Click a node to see what it did.'
      : view.kind === 'version'
        ? `Version ${view.number} — read-only.`
        : view.kind === 'diff'
          ? `Comparing ${view.label}: green added, amber changed, red (ghosted) removed.`
          : !canEdit
            ? 'You can view this app but not edit it.'
            : null;

  return (
    <EditorContext.Provider value={ctx}>
      <div className="editor" data-view={view.kind}>
        <EditorHeader
          name={appName}
          canEdit={canEdit}
          saveState={sync.state}
          savedAt={sync.savedAt}
          issues={validation.issues}
          validating={validation.validating}
          nodeTitle={nodeTitle}
          runOpen={drawer === 'run'}
          versionsOpen={drawer === 'versions'}
          onRename={onRename}
          onRun={toggleRun}
          onVersions={toggleVersions}
          onExport={onExportClick}
          onFocusIssue={focusIssue}
          onShortcuts={openShortcuts}
          onRetrySave={retrySave}
          publishOpen={drawer === 'publish'}
          publishBusy={pub.busy}
          live={!!pub.state?.published}
          onPublish={onPublish}
          onPublishPanel={togglePublish}
        />
        {sync.conflict && (
          <div className="conflict-bar" role="alert" data-testid="draft-conflict">
            <strong>Someone else saved this app</strong>
            <span>
              {sync.conflict.updatedBy ? `${sync.conflict.updatedBy} saved ` : 'It was saved '}
              {sync.conflict.updatedAt ? `at ${new Date(sync.conflict.updatedAt).toLocaleTimeString()} ` : ''}
              while you were editing. Your changes are still here, not saved.
            </span>
            <button type="button" onClick={() => void sync.loadLatest().catch(setActionError)} title="Their version replaces yours; Ctrl+Z brings yours back">
              Load latest
            </button>
            <button type="button" className="button-primary" onClick={() => void sync.overwrite().catch(setActionError)}>
              Overwrite with mine
            </button>
          </div>
        )}
        {sync.state === 'error' && sync.error !== null && (
          <div className="conflict-bar warn" role="alert">
            <span>Saving failed: {errorMessage(sync.error)}. Your changes are kept here.</span>
            <button type="button" onClick={() => void sync.flush()}>
              Retry
            </button>
          </div>
        )}
        <div className="editor-body">
          <Palette types={types} onAdd={onPaletteAdd} disabled={readOnly} />
          <div className="editor-center">
            {viewBanner && (
              <div className="view-banner" role="status">
                <span>{viewBanner}</span>
                {!editing && (
                  <button type="button" className="button-small" onClick={backToDraft}>
                    Back to draft
                  </button>
                )}
              </div>
            )}
            <Canvas
              nodes={baseNodes}
              edges={displayEdges}
              readOnly={readOnly}
              mode={mode}
              canUndo={doc.canUndo}
              canRedo={doc.canRedo}
              onModeChange={setMode}
              onNodesChange={editing ? ops.onNodesChange : onViewNodesChange}
              onEdgesChange={ops.onEdgesChange}
              onConnect={ops.connect}
              onNodeDragStart={ops.beginDrag}
              onDropType={onDropType}
              onConnectToEmpty={onConnectToEmpty}
              onNodeClick={onNodeClick}
              onPaneClick={onPaneClick}
              onAddNode={onAddNode}
              onAddNote={onAddNote}
              onOrganize={onOrganize}
              onUndo={ops.undo}
              onRedo={ops.redo}
              isValidConnection={isValidConnection}
            />
            {toast && (
              <div className="toast" role="status">
                {toast}
              </div>
            )}
            {actionError !== null && (
              <div className="toast toast-error" role="alert">
                {errorMessage(actionError)}
                <button type="button" className="icon-btn" aria-label="Dismiss" onClick={() => setActionError(null)}>
                  ×
                </button>
              </div>
            )}
          </div>
          {selectedNode && !panelClosed && (
            <NodePanel
              appId={appId}
              spec={selectedNode.data.spec}
              def={typeMap.get(selectedNode.data.spec.type)}
              readOnly={readOnly}
              issues={issuesOfSelected}
              models={models}
              tools={tools}
              inputs={view.kind === 'edit' ? doc.doc.meta.inputs : (viewGraph?.inputs ?? [])}
              liveTrace={live?.nodes[selectedNode.id] ?? null}
              lastTrace={editing ? (runs.lastRuns[selectedNode.id] ?? null) : null}
              lastRuns={runs.lastRuns}
              nodeIds={nodeIds}
              startId={startId}
              running={runs.starting}
              getVariables={getVariables}
              onUpdate={ops.updateNode}
              onInputs={ops.setInputs}
              onDelete={ops.deleteNode}
              onRunNode={onRunNode}
              onClose={onClosePanel}
            />
          )}
          {drawer === 'run' && (
            <RunPanel
              inputs={doc.doc.meta.inputs}
              issues={validation.issues}
              live={live}
              run={runs.shownRun}
              starting={runs.starting}
              error={runs.error}
              recent={runs.recent}
              connection={runs.connection}
              viewingRunId={view.kind === 'run' ? view.runId : null}
              values={runValues}
              onValues={setRunValues}
              onStart={() => void startRun()}
              onOpenRun={(id) => void openRun(id)}
              onBackToDraft={backToDraft}
              onFocusNode={focusNode}
              nodeTitle={nodeTitle}
              nodeType={nodeType}
              onClose={() => setDrawer(null)}
            />
          )}
          {drawer === 'versions' && (
            <VersionsDrawer
              workspaceId={workspaceId}
              appId={appId}
              issuesCount={validation.issues.length}
              canEdit={canEdit}
              viewing={view.kind === 'version' ? view.number : null}
              getDraftGraph={getGraph}
              flush={sync.flush}
              onOpen={onOpenVersion}
              onRestored={onRestored}
              onDiff={onDiff}
              onFocusNode={focusNode}
              onClose={() => {
                setDrawer(null);
                if (view.kind === 'diff' || view.kind === 'version') setView(EDIT);
              }}
            />
          )}
          {drawer === 'publish' && (
            <PublishDrawer
              workspaceId={workspaceId}
              appId={appId}
              canEdit={canEdit}
              pub={pub}
              nodeTitle={nodeTitle}
              onFocusIssue={focusIssue}
              onOpenRun={openApiRun}
              onClose={() => setDrawer(null)}
            />
          )}
        </div>
        {picker && (
          <NodePicker
            types={types}
            request={picker}
            onClose={() => setPicker(null)}
            onPick={(type) => {
              addNodeOfType(type, picker.flow, picker.from);
              setPicker(null);
            }}
          />
        )}
        {showShortcuts && <ShortcutsSheet onClose={() => setShowShortcuts(false)} />}
      </div>
    </EditorContext.Provider>
  );
}

