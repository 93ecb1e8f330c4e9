/**
 * The editor: header, palette, canvas, node panel and drawers (test run, versions, publish), and
 * how they talk. Each concern keeps its own state in a hook: the document (graph, checklist,
 * autosave), the view mode (the draft, or read-only a past run, a version, a diff), the panels
 * (open drawer, selected node, shortcuts sheet), test runs, and on the canvas the viewport, node
 * insertion and the clipboard. This component wires them together.
 */
import { useCallback, useMemo } from 'react';
import { errorsOf } from '../apps/issues';
import type { AppSummary, Draft, NodeTypeDef } from '../apps/types';
import { PublishDrawer } from '../publishing/PublishDrawer';
import { usePublish } from '../publishing/usePublish';
import { Canvas, type CanvasHandlers, type CanvasHistory } from './canvas/Canvas';
import { NodePicker } from './canvas/NodePicker';
import { Palette } from './canvas/Palette';
import { useNodeInsertion } from './canvas/useNodeInsertion';
import { useViewport } from './canvas/useViewport';
import { EditorContext, type EditorContextValue, type EditorStores } from './context';
import { EditorNotices, useNotices } from './EditorNotices';
import { DraftSyncBars } from './header/DraftSyncBars';
import { EditorHeader, type ChecklistProps, type PublishButtons, type SaveStatus } from './header/EditorHeader';
import { ShortcutsSheet } from './header/ShortcutsSheet';
import { PanelDock } from './layout/PanelDock';
import { createKeyedStore } from './model/keyedStore';
import { NodePanel, type SingleNodeRuns } from './panel/NodePanel';
import { RunPanel } from './run/RunPanel';
import { useFollowRunningNode, useRunEdges } from './run/useRunDisplay';
import { useTestRuns } from './run/useTestRuns';
import { useAppDetails } from './useAppDetails';
import { useClipboard } from './useClipboard';
import { useEditorDocument } from './useEditorDocument';
import { useEditorPanels } from './useEditorPanels';
import { useEditorShortcuts } from './useEditorShortcuts';
import { useGraphQueries } from './useGraphQueries';
import { useModelsAndTools } from './useModelsAndTools';
import { useNodeFocus } from './useNodeFocus';
import { useViewMode } from './useViewMode';
import { VersionsDrawer } from './versions/VersionsDrawer';

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

  // ---- the concerns, each with its own state
  const { graph, validation, sync, restore } = useEditorDocument(workspaceId, appId, draft, stores.issues, canEdit);
  const { ops } = graph;
  const queries = useGraphQueries(graph, typeMap);
  const notices = useNotices();
  const { showToast, showError } = notices;
  const view = useViewMode(graph, stores, canEdit);
  const { editing, readOnly } = view;
  const panels = useEditorPanels(view.nodes);
  const { openDrawer, closeDrawer } = panels;
  const runs = useTestRuns({
    workspaceId,
    appId,
    stores,
    canEdit,
    graph,
    issues: validation.issues,
    flush: sync.flush,
    view,
    openDrawer,
    onError: showError,
  });
  const options = useModelsAndTools(workspaceId);
  const appDetails = useAppDetails(workspaceId, app, sync.flush, showError);
  const pub = usePublish(workspaceId, appId, validation.issues, sync.flush);

  // ---- the canvas: viewport, adding nodes, clipboard, keys
  const viewport = useViewport();
  const insertion = useNodeInsertion({ typeMap, models: options.models, ops, readOnly, viewport });
  const clipboard = useClipboard({ typeMap, ops, readOnly, editing, center: viewport.center, showToast });
  const { focusNode, focusIssue } = useNodeFocus(view, viewport, ops.getDoc);
  const onAction = useEditorShortcuts({
    ops,
    view,
    panels,
    viewport,
    clipboard,
    picker: { open: insertion.picker !== null, close: insertion.closePicker },
    startRun: runs.start,
  });

  // ---- what the canvas draws: the run shown (passed and active edges) and edges with issues
  const live = runs.session.shown;
  // What stops a run, a version or a publish; warnings are only shown.
  const errors = useMemo(() => errorsOf(validation.issues), [validation.issues]);
  const edgeIssues = useMemo(() => new Set(validation.issues.map((i) => i.edge_id).filter(Boolean)), [validation.issues]);
  const displayEdges = useRunEdges(view.edges, live, edgeIssues);
  useFollowRunningNode(editing ? live : null, view.nodes, viewport.reveal);

  // ---- what the children get
  const { openPickerFromHandle, onDropType, onConnectToEmpty, closePicker, onAddNode, onAddNote } = insertion;
  const actions = useMemo<EditorContextValue['actions']>(
    () => ({
      openPickerFromHandle,
      updateNoteText: (noteId, text) => ops.updateNote(noteId, (n) => ({ ...n, text })),
    }),
    [openPickerFromHandle, ops],
  );
  const ctx = useMemo<EditorContextValue>(() => ({ types: typeMap, stores, actions }), [typeMap, stores, actions]);

  const { selectInView } = view;
  const { reopenNodePanel } = panels;
  const onNodeClick = useCallback(
    (id: string) => {
      if (!editing) selectInView(id);
      reopenNodePanel();
    },
    [editing, selectInView, reopenNodePanel],
  );
  const onOrganize = useCallback(() => onAction('organize'), [onAction]);
  const { isValidConnection } = queries;
  const canvasHandlers = useMemo<CanvasHandlers>(
    () => ({
      onEdgesChange: ops.onEdgesChange,
      onConnect: ops.connect,
      onNodeDragStart: ops.beginDrag,
      isValidConnection,
      onDropType,
      onConnectToEmpty,
      onNodeClick,
      onPaneClick: closePicker,
      onAddNode,
      onAddNote,
      onOrganize,
    }),
    [ops, isValidConnection, onDropType, onConnectToEmpty, onNodeClick, closePicker, onAddNode, onAddNote, onOrganize],
  );
  const history = useMemo<CanvasHistory>(
    () => ({ canUndo: graph.canUndo, canRedo: graph.canRedo, undo: ops.undo, redo: ops.redo }),
    [graph.canUndo, graph.canRedo, ops],
  );

  const { flush } = sync;
  const save = useMemo<SaveStatus>(
    () => ({ state: sync.state, savedAt: sync.savedAt, onRetry: () => void flush() }),
    [sync.state, sync.savedAt, flush],
  );
  const { nodeTitle } = queries;
  const checklist = useMemo<ChecklistProps>(
    () => ({ issues: validation.issues, validating: validation.validating, nodeTitle, onFocusIssue: focusIssue }),
    [validation.issues, validation.validating, nodeTitle, focusIssue],
  );
  const { publish, busy: publishing } = pub;
  const isLive = !!pub.state?.published;
  const publishButtons = useMemo<PublishButtons>(
    () => ({
      busy: publishing,
      live: isLive,
      onPublish: () => {
        openDrawer('publish');
        void publish();
      },
    }),
    [publishing, isLive, openDrawer, publish],
  );

  const { selectedId, panelNode } = panels;
  const issuesOfSelected = useMemo(
    () => (selectedId ? validation.issues.filter((i) => i.node_id === selectedId) : []),
    [selectedId, validation.issues],
  );
  const { lastRuns, starting } = runs.session;
  const singleRun = useMemo<SingleNodeRuns>(
    () => ({ nodeIds: queries.flowNodeIds, startId: queries.startId, lastRuns, running: starting, onRun: runs.runNode }),
    [queries.flowNodeIds, queries.startId, lastRuns, starting, runs.runNode],
  );

  return (
    <EditorContext.Provider value={ctx}>
      <div className="editor" data-view={view.view.kind}>
        <EditorHeader
          name={appDetails.name}
          canEdit={canEdit}
          onRename={appDetails.rename}
          onExport={appDetails.exportAs}
          onShortcuts={panels.openShortcuts}
          save={save}
          checklist={checklist}
          drawers={panels.drawers}
          publish={publishButtons}
        />
        <DraftSyncBars sync={sync} onError={showError} />
        <div className="editor-body">
          <Palette types={types} onAdd={insertion.onPaletteAdd} disabled={readOnly} />
          <div className="editor-center">
            {view.banner && (
              <div className="view-banner" role="status">
                <span>{view.banner}</span>
                {!editing && (
                  <button type="button" className="button-small" onClick={runs.backToDraft}>
                    Back to draft
                  </button>
                )}
              </div>
            )}
            <Canvas
              nodes={view.nodes}
              edges={displayEdges}
              readOnly={readOnly}
              onNodesChange={view.onNodesChange}
              history={history}
              handlers={canvasHandlers}
            />
            <EditorNotices notices={notices} />
          </div>
          {panelNode && (
            <PanelDock key="node" panel="node">
            <NodePanel
              appId={appId}
              spec={panelNode.data.spec}
              def={typeMap.get(panelNode.data.spec.type)}
              readOnly={readOnly}
              issues={issuesOfSelected}
              inputs={view.inputs}
              trace={live?.nodes[panelNode.id] ?? (editing ? (lastRuns[panelNode.id] ?? null) : null)}
              options={options}
              getVariables={queries.getVariables}
              edits={ops}
              singleRun={singleRun}
              onClose={panels.closeNodePanel}
            />
            </PanelDock>
          )}
          {panels.drawer === 'run' && (
            <PanelDock key="run" panel="run" hidden={panels.shown !== 'run'}>
            <RunPanel
              session={runs.session}
              form={{ ...runs.form, issues: errors }}
              viewingRunId={view.viewingRunId}
              nodeTitle={nodeTitle}
              nodeType={queries.nodeType}
              onFocusNode={focusNode}
              onOpenRun={runs.open}
              onBackToDraft={runs.backToDraft}
              onClose={closeDrawer}
            />
            </PanelDock>
          )}
          {panels.drawer === 'versions' && (
            <PanelDock key="versions" panel="versions" hidden={panels.shown !== 'versions'}>
            <VersionsDrawer
              workspaceId={workspaceId}
              appId={appId}
              issuesCount={errors.length}
              canEdit={canEdit}
              viewing={view.viewingVersion}
              getDraftGraph={ops.getGraph}
              flush={flush}
              onOpen={view.showVersion}
              onRestored={(d) => {
                view.edit();
                restore(d);
              }}
              onDiff={view.showDiff}
              onFocusNode={focusNode}
              onClose={() => {
                closeDrawer();
                view.leaveVersions();
              }}
            />
            </PanelDock>
          )}
          {panels.drawer === 'publish' && (
            <PanelDock key="publish" panel="publish" hidden={panels.shown !== 'publish'}>
            <PublishDrawer
              workspaceId={workspaceId}
              appId={appId}
              canEdit={canEdit}
              pub={pub}
              nodeTitle={nodeTitle}
              onFocusIssue={focusIssue}
              onOpenRun={runs.openInDrawer}
              onClose={closeDrawer}
            />
            </PanelDock>
          )}
        </div>
        {insertion.picker && <NodePicker types={types} request={insertion.picker} onClose={closePicker} onPick={insertion.pick} />}
        {panels.shortcutsOpen && <ShortcutsSheet onClose={panels.closeShortcuts} />}
      </div>
    </EditorContext.Provider>
  );
}
