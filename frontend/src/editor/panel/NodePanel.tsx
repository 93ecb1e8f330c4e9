/** Right panel for the selected node: Settings (generated form) and Last run. */
import { memo, useMemo, useState } from 'react';
import type { AppInput, Issue, NodeSettings, NodeSpec, NodeTypeDef, Trace } from '../../apps/types';
import { TraceView, type TraceLike } from '../../traces/TraceView';
import { TypeIcon } from '../canvas/icons';
import { configFields, type Field } from '../model/schemaForm';
import type { VariableOption } from '../model/upstream';
import type { NodeOptions } from '../useModelsAndTools';
import { FormEnvContext, issueMatches, type FormEnv } from './formEnv';
import { InputsEditor } from './InputsEditor';
import { NodeSettingsForm } from './NodeSettingsForm';
import { ObjectFields } from './SchemaForm';
import { SingleNodeRun } from './SingleNodeRun';

/** The changes the panel makes to the graph (the graph document's operations). */
export interface NodeEdits {
  updateNode: (id: string, fn: (s: NodeSpec) => NodeSpec, key?: string) => void;
  setInputs: (inputs: AppInput[], key?: string) => void;
  deleteNode: (id: string) => void;
}

/** Running the node on its own (Last run tab): what its form prefills from, and the run itself. */
export interface SingleNodeRuns {
  nodeIds: ReadonlySet<string>;
  startId: string | null;
  lastRuns: Record<string, Trace>;
  running: boolean;
  onRun: (id: string, variables: Record<string, unknown>) => void;
}

export interface NodePanelProps {
  appId: string;
  spec: NodeSpec;
  def: NodeTypeDef | undefined;
  readOnly: boolean;
  issues: Issue[];
  /** The app's inputs (the start node edits them). */
  inputs: AppInput[];
  /** The node in the run shown now, else its last run of the draft. */
  trace: TraceLike | null;
  options: NodeOptions;
  getVariables: (nodeId: string) => VariableOption[];
  edits: NodeEdits;
  singleRun: SingleNodeRuns;
  onClose: () => void;
}

const fieldsCache = new WeakMap<object, Field[]>();
function fieldsOf(def: NodeTypeDef): Field[] {
  let f = fieldsCache.get(def.config_schema);
  if (!f) fieldsCache.set(def.config_schema, (f = configFields(def.config_schema)));
  return f;
}

function NodePanelInner(p: NodePanelProps) {
  const { spec, def, readOnly } = p;
  const [tab, setTab] = useState<'settings' | 'last'>('settings');
  const nodeId = spec.id;
  const { getVariables, issues, options, trace } = p;
  const onUpdate = p.edits.updateNode;
  const env: FormEnv = useMemo(
    () => ({
      nodeId,
      nodeConfig: spec.config,
      readOnly,
      models: options.models,
      tools: options.tools,
      getVariables: () => getVariables(nodeId),
      issuesAt: (path: string) => issues.filter((i) => issueMatches(i.field, path)),
    }),
    [nodeId, spec.config, readOnly, options.models, options.tools, getVariables, issues],
  );
  // A model node that uses a library prompt gets its messages and model from the prompt's
  // version: the fields the link replaces are hidden while it is set.
  const allFields = def ? fieldsOf(def) : [];
  const config = spec.config as Record<string, unknown>;
  const linked = allFields.some((f) => f.kind === 'promptLink' && !!config[f.key]);
  const fields = allFields.filter((f) => f.linkRole !== 'platform' && !(linked && f.linkRole === 'replaced'));
  const title = spec.title || def?.title || spec.type;

  return (
    <aside className="side-panel node-panel" aria-label={`${title} settings`} data-testid="node-panel">
      <header className="side-head">
        <span className={`fnode-icon cat-${def?.category ?? 'unknown'}`}>
          <TypeIcon name={def?.icon ?? 'node'} />
        </span>
        <input
          className="title-input"
          aria-label="Node title"
          value={spec.title}
          placeholder={def?.title ?? spec.type}
          readOnly={readOnly}
          onChange={(e) => onUpdate(nodeId, (s) => ({ ...s, title: e.target.value }), `title:${nodeId}`)}
        />
        <button type="button" className="icon-btn" onClick={p.onClose} aria-label="Close panel" title="Close (Esc)">
          ×
        </button>
      </header>
      <p className="side-sub">
        {def?.description ?? `Unknown node type “${spec.type}”.`} <code className="muted">{nodeId}</code>
      </p>
      <div className="tabs" role="tablist">
        <button type="button" role="tab" aria-selected={tab === 'settings'} onClick={() => setTab('settings')}>
          Settings
        </button>
        <button type="button" role="tab" aria-selected={tab === 'last'} onClick={() => setTab('last')}>
          Last run
          {trace && <span className={`dot status-${trace.status}`} aria-hidden="true" />}
        </button>
      </div>
      <div className="side-body">
        {tab === 'settings' ? (
          <FormEnvContext.Provider value={env}>
            {issues.length > 0 && (
              <ul className="node-issue-list" aria-label="Issues on this node">
                {issues.map((i, n) => (
                  <li key={n}>
                    {i.field && <code>{i.field}</code>} {i.message}
                  </li>
                ))}
              </ul>
            )}
            {def?.is_start && <InputsEditor inputs={p.inputs} onChange={p.edits.setInputs} readOnly={readOnly} />}
            {def && fields.length > 0 && (
              <ObjectFields
                fields={fields}
                path=""
                value={spec.config}
                root={def.config_schema}
                onChange={(config) => onUpdate(nodeId, (s) => ({ ...s, config: config as Record<string, unknown> }), `config:${nodeId}`)}
              />
            )}
            {!def && <p className="muted">This type is not known to the server; its config is kept as is.</p>}
            {def && !def.is_start && (
              <NodeSettingsForm
                settings={spec.settings ?? {}}
                readOnly={readOnly}
                onChange={(settings: NodeSettings, key) => onUpdate(nodeId, (s) => ({ ...s, settings }), `settings:${nodeId}:${key}`)}
              />
            )}
            {!readOnly && (
              <button type="button" className="button-danger-quiet" onClick={() => p.edits.deleteNode(nodeId)} title="Delete (Del)">
                Delete node
              </button>
            )}
          </FormEnvContext.Provider>
        ) : (
          <div className="last-run">
            {trace ? <TraceView trace={trace} /> : <p className="muted">This node has not run yet.</p>}
            {def && !def.is_start && !readOnly && (
              <SingleNodeRun
                key={nodeId}
                appId={p.appId}
                spec={spec}
                nodeIds={p.singleRun.nodeIds}
                lastRuns={p.singleRun.lastRuns}
                startId={p.singleRun.startId}
                running={p.singleRun.running}
                onRun={(vars) => p.singleRun.onRun(nodeId, vars)}
              />
            )}
          </div>
        )}
      </div>
    </aside>
  );
}

export const NodePanel = memo(NodePanelInner);
