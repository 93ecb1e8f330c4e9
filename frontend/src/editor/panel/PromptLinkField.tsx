/** A model node's library prompt (LLM, classifier, agent): a reference (`name@production`, `name@v3`, `name`) picked from
 * the workspace's prompts, the version it resolves to now (linked to its page), and what each of
 * the prompt's inputs gets from this app. Empty: the node uses its own messages. The platform
 * copies the version's messages and model in whenever the app runs or becomes a version. */
import { useEffect, useState } from 'react';
import { Link } from 'react-router';
import { apiFetch, errorMessage, isAbortError } from '../../api/client';
import type { PromptRow, PromptVersion } from '../../prompts/types';
import { useSession } from '../../session';
import { useFormEnv } from './formEnv';
import { toLibraryPrompt } from './libraryPrompt';
import { TemplateInput } from './TemplateInput';

interface LinkValue {
  ref?: string;
  variables?: Record<string, string>;
  version?: number | null;
}

interface Resolved {
  prompt: { id: number; name: string };
  version: PromptVersion;
}

export function PromptLinkField({ id, path, value, onChange }: { id: string; path: string; value: unknown; onChange: (v: unknown) => void }) {
  const env = useFormEnv();
  const { workspaceId } = useSession();
  const link = (value && typeof value === 'object' ? value : null) as LinkValue | null;
  const ref = link?.ref ?? '';
  const [prompts, setPrompts] = useState<PromptRow[]>([]);
  const [resolved, setResolved] = useState<Resolved | null>(null);
  const [problem, setProblem] = useState('');
  const [saving, setSaving] = useState<{ name: string; error: string } | null>(null);

  useEffect(() => {
    apiFetch<{ results: PromptRow[] }>(`/api/workspaces/${encodeURIComponent(workspaceId)}/prompts/?limit=500`)
      .then((page) => setPrompts(page.results))
      .catch(() => setPrompts([]));
  }, [workspaceId]);

  useEffect(() => {
    setResolved(null);
    setProblem('');
    if (!ref.trim()) return undefined;
    const controller = new AbortController();
    const timer = setTimeout(() => {
      apiFetch<Resolved>(`/api/workspaces/${encodeURIComponent(workspaceId)}/prompts/resolve/?ref=${encodeURIComponent(ref.trim())}`, {
        signal: controller.signal,
      })
        .then(setResolved)
        .catch((e: unknown) => {
          if (!isAbortError(e)) setProblem(errorMessage(e));
        });
    }, 250);
    return () => {
      clearTimeout(timer);
      controller.abort();
    };
  }, [ref, workspaceId]);

  const options = prompts.flatMap((p) => [p.name, ...Object.keys(p.labels).map((l) => `${p.name}@${l}`)]);
  const set = (patch: LinkValue) => {
    const next = { ref, variables: link?.variables ?? {}, ...patch };
    onChange(next.ref?.trim() ? { ref: next.ref, variables: next.variables } : undefined);
  };

  const ownMessages = Array.isArray(env.nodeConfig.messages) ? (env.nodeConfig.messages as { role: string; template: string }[]) : [];
  const saveAsPrompt = (name: string) => {
    const converted = toLibraryPrompt(ownMessages);
    apiFetch<{ id: number; name: string }>(`/api/workspaces/${encodeURIComponent(workspaceId)}/prompts/`, {
      method: 'POST',
      body: {
        name,
        version: {
          messages: converted.messages,
          variables: converted.variables,
          model: env.nodeConfig.model,
          commit_message: `Saved from the LLM node ${env.nodeId}`,
        },
      },
    })
      .then((created) => {
        setSaving(null);
        onChange({ ref: created.name, variables: converted.mapping });
      })
      .catch((e: unknown) => setSaving({ name, error: errorMessage(e) }));
  };

  return (
    <div className="prompt-link">
      <input
        id={id}
        type="text"
        list={`${id}-options`}
        value={ref}
        readOnly={env.readOnly}
        placeholder="none — this node's own messages"
        onChange={(e) => set({ ref: e.target.value })}
        aria-describedby={`${id}-status`}
      />
      <datalist id={`${id}-options`}>
        {options.map((o) => (
          <option key={o} value={o} />
        ))}
      </datalist>
      <p id={`${id}-status`} className="field-help" data-testid="prompt-link-status">
        {!ref.trim()
          ? 'Use a prompt of the library instead of this node\'s own messages.'
          : resolved
            ? (
                <>
                  Resolves to{' '}
                  <Link to={`/prompts/${resolved.prompt.id}?v=${resolved.version.number}`}>
                    {resolved.prompt.name} v{resolved.version.number}
                  </Link>{' '}
                  ({resolved.version.model.provider}/{resolved.version.model.model}); its messages and model replace this node's when the app runs.
                  {link?.version ? ` This version holds v${link.version}.` : ''}
                </>
              )
            : problem || 'Looking it up…'}
      </p>
      {!ref.trim() && !env.readOnly && ownMessages.length > 0 && (
        saving ? (
          <form
            className="prompt-link-save"
            onSubmit={(e) => {
              e.preventDefault();
              saveAsPrompt(saving.name.trim());
            }}
          >
            <input
              aria-label="Name of the new prompt"
              value={saving.name}
              placeholder="support-answer"
              onChange={(e) => setSaving({ name: e.target.value.toLowerCase(), error: '' })}
              autoFocus
            />
            <button type="submit" className="button-small" disabled={!saving.name.trim()}>
              Save
            </button>
            <button type="button" className="button-small button-quiet" onClick={() => setSaving(null)}>
              Cancel
            </button>
            {saving.error && <p className="field-issues">{saving.error}</p>}
          </form>
        ) : (
          <button type="button" className="button-small" onClick={() => setSaving({ name: '', error: '' })}>
            Save these messages as a library prompt
          </button>
        )
      )}
      {resolved && resolved.version.variables.length > 0 && (
        <div className="prompt-link-inputs">
          {resolved.version.variables.map((v) => (
            <div className="field" key={v.name}>
              <label className="field-label" htmlFor={`${id}-${v.name}`}>
                <code>{v.name}</code>
              </label>
              <TemplateInput
                id={`${id}-${v.name}`}
                value={link?.variables?.[v.name] ?? ''}
                onChange={(text) => {
                  const variables = { ...(link?.variables ?? {}) };
                  if (text) variables[v.name] = text;
                  else delete variables[v.name];
                  set({ variables });
                }}
                getVariables={env.getVariables}
                readOnly={env.readOnly}
                multiline={false}
                rows={1}
                invalid={env.issuesAt(`${path}.variables.${v.name}`).length > 0}
                placeholder={`{{ inputs.${v.name} }}${v.default !== undefined && v.default !== null ? ` or ${String(v.default)}` : ''}`}
              />
            </div>
          ))}
        </div>
      )}
    </div>
  );
}
