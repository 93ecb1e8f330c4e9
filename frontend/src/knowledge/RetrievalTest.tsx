/** The retrieval test: one query, the three search modes side by side, ranked chunks with their
 *  scores, sources and the matched words highlighted. */
import { useState } from 'react';
import { ErrorNotice } from '../components/ErrorNotice';
import { useSession } from '../session';
import { searchKnowledgeBase } from './api';
import { highlightParts } from './format';
import { MODE_LABELS, SEARCH_MODES, type KnowledgeBase, type ModeResult, type SearchHit } from './types';

function Highlighted({ text, words }: { text: string; words: string[] }) {
  return (
    <>
      {highlightParts(text, words).map((part, i) => (part.match ? <mark key={i}>{part.text}</mark> : <span key={i}>{part.text}</span>))}
    </>
  );
}

function Hit({ hit, rank }: { hit: SearchHit; rank: number }) {
  const [expanded, setExpanded] = useState(false);
  const long = hit.text.length > 420;
  const text = expanded || !long ? hit.text : `${hit.text.slice(0, 420)}…`;
  return (
    <li className="hit" data-testid="hit">
      <div className="hit-head">
        <span className="hit-rank">{rank}</span>
        <span className="hit-score" title="Score (0–1)">
          <span className="score-bar" style={{ width: `${Math.round(hit.score * 100)}%` }} />
        </span>
        <span className="score-value" data-testid="hit-score">
          {hit.score.toFixed(3)}
        </span>
      </div>
      <div className="hit-source" data-testid="hit-source">
        {hit.document_name}
        {hit.page !== null && ` · page ${hit.page}`}
        {hit.heading && ` · ${hit.heading}`}
      </div>
      <p className="hit-text">
        <Highlighted text={text} words={hit.highlights} />
      </p>
      {long && (
        <button type="button" className="button-quiet" onClick={() => setExpanded(!expanded)}>
          {expanded ? 'Show less' : 'Show all'}
        </button>
      )}
    </li>
  );
}

function ModeColumn({ result }: { result: ModeResult }) {
  return (
    <section className="mode-column" aria-label={`${MODE_LABELS[result.mode]} results`} data-testid={`mode-${result.mode}`}>
      <header>
        <h3>{MODE_LABELS[result.mode]}</h3>
        <span className="muted">
          {result.hits.length} · {result.took_ms.toFixed(0)} ms
        </span>
      </header>
      {result.hits.length === 0 ? (
        <p className="muted">No chunk passes the threshold.</p>
      ) : (
        <ol className="hits">
          {result.hits.map((hit, i) => (
            <Hit key={hit.chunk_id} hit={hit} rank={i + 1} />
          ))}
        </ol>
      )}
    </section>
  );
}

export function RetrievalTest({ kb }: { kb: KnowledgeBase }) {
  const { workspaceId } = useSession();
  const [query, setQuery] = useState('');
  const [topK, setTopK] = useState(kb.search_defaults.top_k);
  const [threshold, setThreshold] = useState<string>(kb.search_defaults.score_threshold?.toString() ?? '');
  const [results, setResults] = useState<ModeResult[] | null>(null);
  const [embeddingMs, setEmbeddingMs] = useState(0);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  const run = (e: React.FormEvent) => {
    e.preventDefault();
    if (!query.trim()) return;
    setBusy(true);
    setError(null);
    searchKnowledgeBase(workspaceId, kb.id, {
      query,
      modes: [...SEARCH_MODES],
      top_k: topK,
      score_threshold: threshold === '' ? null : Number(threshold),
    })
      .then((answer) => {
        setResults(answer.results);
        setEmbeddingMs(answer.embedding_ms);
      })
      .catch(setError)
      .finally(() => setBusy(false));
  };

  return (
    <div className="retrieval-test">
      <form className="panel retrieval-form" onSubmit={run} aria-label="Retrieval test">
        <label className="query-field">
          Query
          <input
            value={query}
            onChange={(e) => setQuery(e.target.value)}
            placeholder="Ask what a user of your app would ask…"
            autoFocus
          />
        </label>
        <label>
          Top K
          <input type="number" min={1} max={100} value={topK} onChange={(e) => setTopK(Number(e.target.value))} />
        </label>
        <label>
          Min score
          <input type="number" min={0} max={1} step={0.05} value={threshold} placeholder="none" onChange={(e) => setThreshold(e.target.value)} />
        </label>
        <button type="submit" className="button-primary" disabled={busy || !query.trim()}>
          {busy ? 'Searching…' : 'Test retrieval'}
        </button>
      </form>
      {error !== null && <ErrorNotice error={error} onDismiss={() => setError(null)} />}
      {results && (
        <p className="muted search-timing">
          Query embedded in {embeddingMs.toFixed(0)} ms with {kb.embedding.model}; search times per mode below.
        </p>
      )}
      {results && (
        <div className="mode-columns">
          {results.map((result) => (
            <ModeColumn key={result.mode} result={result} />
          ))}
        </div>
      )}
      {!results && (
        <p className="muted">
          Compare vector search (meaning), full-text search (words) and hybrid (both, fused by reciprocal rank).
        </p>
      )}
    </div>
  );
}
