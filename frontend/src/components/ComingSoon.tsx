import type { Area } from '../areas';

/** An honest empty state for an area that is not built yet. */
export function ComingSoon({ area }: { area: Area }) {
  return (
    <section className="page" aria-labelledby="page-title">
      <h1 id="page-title">{area.label}</h1>
      <div className="empty-state" data-testid="coming-soon">
        <p className="empty-title">Coming soon</p>
        <p>{area.summary}</p>
        <p className="muted">This area is not available yet in this version of LLMOps Studio.</p>
      </div>
    </section>
  );
}
