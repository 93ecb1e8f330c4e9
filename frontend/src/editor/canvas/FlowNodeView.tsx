/** A node on the canvas. Memoised; reads its status, issues and diff mark from keyed stores. */
import { Handle, NodeResizer, Position, type NodeProps } from '@xyflow/react';
import { memo, useMemo } from 'react';
import { errorsOf } from '../../apps/issues';
import { useEditorContext } from '../context';
import { hasTargetHandle, sourceHandles, TARGET_HANDLE } from '../model/handles';
import type { FlowNode, NoteNode } from '../model/graph';
import { useKeyed } from '../model/useKeyed';
import { TypeIcon } from './icons';

const STATUS_LABEL: Record<string, string> = {
  running: 'Running',
  succeeded: 'Succeeded',
  failed: 'Failed',
  skipped: 'Skipped',
  cancelled: 'Cancelled',
};

function FlowNodeViewInner({ id, data, selected }: NodeProps<FlowNode>) {
  const { types, stores, actions } = useEditorContext();
  const spec = data.spec;
  const def = types.get(spec.type);
  const run = useKeyed(stores.status, id);
  const issues = useKeyed(stores.issues, id);
  const mark = useKeyed(stores.diff, id);
  const handles = useMemo(() => sourceHandles(spec, def), [spec, def]);
  const title = spec.title || def?.title || spec.type;
  // One plain output sits at the node's right edge; named outputs get a labelled row each.
  const single = handles.length === 1 && handles[0]!.id === 'out';
  const status = run?.status ?? 'idle';
  // Errors mark the node (and lead its note); a node with only warnings is marked more quietly.
  const errors = useMemo(() => errorsOf(issues ?? []), [issues]);
  const shown = errors.length ? errors : (issues ?? []);
  const classes = [
    'fnode',
    `cat-${def?.category ?? 'unknown'}`,
    `status-${status}`,
    selected ? 'selected' : '',
    errors.length ? 'has-issues' : issues?.length ? 'has-warnings' : '',
    mark ? `diff-${mark}` : '',
    def ? '' : 'unknown-type',
  ]
    .filter(Boolean)
    .join(' ');

  return (
    <div className={classes} data-testid={`node-${id}`} aria-label={`${title} node`}>
      {hasTargetHandle(def) && (
        <Handle
          type="target"
          position={Position.Left}
          id={TARGET_HANDLE}
          className="fhandle fhandle-in"
          data-testid={`handle-${id}-${TARGET_HANDLE}`}
        />
      )}
      <div className="fnode-head">
        <span className="fnode-icon">
          <TypeIcon name={def?.icon ?? 'node'} />
        </span>
        <span className="fnode-title">{title}</span>
        <span
          className={`fnode-status status-${status}`}
          data-testid={`node-status-${id}`}
          data-status={status}
          title={run ? `${STATUS_LABEL[status] ?? status}${run.message ? `: ${run.message}` : ''}` : undefined}
        >
          {status === 'running' ? <span className="spinner" aria-label="Running" /> : null}
          {status === 'succeeded' ? '✓' : status === 'failed' ? '!' : status === 'skipped' ? '–' : status === 'cancelled' ? '■' : null}
        </span>
      </div>
      <div className="fnode-sub">
        <span>{def?.title ?? `Unknown type "${spec.type}"`}</span>
        <span className="fnode-id">{id}</span>
      </div>
      {shown.length > 0 && (
        <div className={`fnode-issues ${errors.length ? '' : 'is-warning'}`} title={(issues ?? []).map((i) => i.message).join('\n')}>
          {shown.length === 1 ? shown[0]!.message : `${shown.length} ${errors.length ? 'issues' : 'warnings'}`}
        </div>
      )}
      {handles.length > 0 && (
        <div className={single ? 'fnode-outs single' : 'fnode-outs'}>
          {handles.map((h) => (
            <div className={`fnode-out ${h.id === 'fail' ? 'is-fail' : ''}`} key={h.id}>
              {!single && <span className="fnode-out-label">{h.label}</span>}
              <Handle
                type="source"
                position={Position.Right}
                id={h.id}
                className="fhandle fhandle-out"
                data-testid={`handle-${id}-${h.id}`}
                title={`Output "${h.label}" — drag to connect`}
              />
              <button
                type="button"
                className="fnode-add nodrag nopan"
                aria-label={`Add node after ${title}${h.id !== 'out' ? ` (${h.label})` : ''}`}
                title="Add a connected node"
                data-testid={`add-after-${id}-${h.id}`}
                onClick={(e) => {
                  e.stopPropagation();
                  const r = e.currentTarget.getBoundingClientRect();
                  actions.openPickerFromHandle(id, h.id, { x: r.right + 8, y: r.top });
                }}
              >
                +
              </button>
            </div>
          ))}
        </div>
      )}
    </div>
  );
}

export const FlowNodeView = memo(FlowNodeViewInner);

function NoteNodeViewInner({ id, data, selected }: NodeProps<NoteNode>) {
  const { actions } = useEditorContext();
  const note = data.note;
  return (
    <div className={`note-node note-${note.color || 'yellow'} ${selected ? 'selected' : ''}`} data-testid={`note-${id}`}>
      <NodeResizer isVisible={selected} minWidth={140} minHeight={80} lineClassName="note-resize-line" />
      <textarea
        className="note-text nodrag nowheel"
        aria-label="Sticky note text"
        placeholder="Write a note…"
        key={note.text}
        defaultValue={note.text}
        onBlur={(e) => {
          if (e.target.value !== note.text) actions.updateNoteText(id, e.target.value);
        }}
      />
    </div>
  );
}

export const NoteNodeView = memo(NoteNodeViewInner);

/** Defined once at module scope: a new object per render would remount every node. */
export const NODE_TYPES = { flow: FlowNodeView, note: NoteNodeView };
