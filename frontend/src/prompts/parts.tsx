/** Small pieces the prompt pages share. */

export function canBuild(role: string): boolean {
  return role === 'owner' || role === 'builder';
}

/** Labels as chips: "production v3". */
export function LabelChips({ labels }: { labels: Record<string, number> }) {
  const entries = Object.entries(labels);
  if (!entries.length) return <span className="muted small">—</span>;
  return (
    <span className="label-chips">
      {entries.map(([name, version]) => (
        <span key={name} className={`badge label-chip label-${name}`} data-testid={`label-${name}`}>
          {name} v{version}
        </span>
      ))}
    </span>
  );
}

/** A model configuration in one line: "local / smollm2 · t=0.2 · max 256". */
export function modelText(model: { provider?: string; model?: string; temperature?: number | null; max_tokens?: number | null }): string {
  const parts = [`${model.provider ?? '?'} / ${model.model ?? '?'}`];
  if (model.temperature !== undefined && model.temperature !== null) parts.push(`t=${model.temperature}`);
  if (model.max_tokens) parts.push(`max ${model.max_tokens}`);
  return parts.join(' · ');
}
