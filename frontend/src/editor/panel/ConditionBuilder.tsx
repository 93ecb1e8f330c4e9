/** If / elif / else builder for branch cases; every case id is also its output handle. */
import { useFormEnv } from './formEnv';
import { VariableInput } from './VariableInput';

interface Condition {
  variable: string;
  operator: string;
  value?: unknown;
}
interface Case {
  id: string;
  logical_operator?: 'and' | 'or';
  conditions: Condition[];
}

const OPERATORS: { value: string; label: string; unary?: boolean }[] = [
  { value: 'equals', label: 'equals' },
  { value: 'not_equals', label: 'does not equal' },
  { value: 'contains', label: 'contains' },
  { value: 'regex', label: 'matches regex' },
  { value: 'gt', label: '>' },
  { value: 'gte', label: '≥' },
  { value: 'lt', label: '<' },
  { value: 'lte', label: '≤' },
  { value: 'empty', label: 'is empty', unary: true },
  { value: 'not_empty', label: 'is not empty', unary: true },
];

function nextCaseId(cases: Case[]): string {
  let n = cases.length + 1;
  while (cases.some((c) => c.id === `case_${n}`)) n += 1;
  return `case_${n}`;
}

/** Numbers typed as numbers stay numbers; everything else is text. */
function parseValue(raw: string): unknown {
  return raw.trim() !== '' && !Number.isNaN(Number(raw)) ? Number(raw) : raw;
}

export function ConditionBuilder({ path, value, onChange }: { path: string; value: unknown[]; onChange: (v: unknown) => void }) {
  const env = useFormEnv();
  const cases = value as Case[];
  const ro = env.readOnly;
  const setCase = (i: number, c: Case) => onChange(cases.map((x, n) => (n === i ? c : x)));
  return (
    <div className="cond-builder">
      {cases.map((c, i) => {
        const caseIssues = env.issuesAt(`${path}.${i}`);
        return (
          <section className={`cond-case ${caseIssues.length ? 'has-issue' : ''}`} key={i} aria-label={`Case ${c.id}`}>
            <header>
              <span className="cond-kw">{i === 0 ? 'IF' : 'ELIF'}</span>
              <input
                type="text"
                className="cond-id"
                aria-label={`Case ${i + 1} id`}
                title="Case id — also the name of its output handle"
                value={c.id}
                readOnly={ro}
                onChange={(e) => setCase(i, { ...c, id: e.target.value })}
              />
              {c.conditions.length > 1 && (
                <select
                  aria-label={`Case ${i + 1} combine with`}
                  value={c.logical_operator ?? 'and'}
                  disabled={ro}
                  onChange={(e) => setCase(i, { ...c, logical_operator: e.target.value as 'and' | 'or' })}
                >
                  <option value="and">all match (and)</option>
                  <option value="or">any matches (or)</option>
                </select>
              )}
              {!ro && (
                <button type="button" className="icon-btn danger" aria-label={`Remove case ${c.id}`} disabled={cases.length <= 1} onClick={() => onChange(cases.filter((_, n) => n !== i))}>
                  ×
                </button>
              )}
            </header>
            {c.conditions.map((cond, j) => {
              const op = OPERATORS.find((o) => o.value === cond.operator);
              const setCond = (nc: Condition) => setCase(i, { ...c, conditions: c.conditions.map((x, n) => (n === j ? nc : x)) });
              return (
                <div className="cond-row" key={j}>
                  {j > 0 && <span className="cond-join">{c.logical_operator ?? 'and'}</span>}
                  <VariableInput
                    label={`Case ${i + 1} condition ${j + 1} variable`}
                    value={cond.variable ?? ''}
                    onChange={(v) => setCond({ ...cond, variable: v })}
                    getVariables={env.getVariables}
                    readOnly={ro}
                    invalid={env.issuesAt(`${path}.${i}.conditions.${j}`).length > 0}
                  />
                  <select aria-label={`Case ${i + 1} condition ${j + 1} operator`} value={cond.operator} disabled={ro} onChange={(e) => setCond({ ...cond, operator: e.target.value })}>
                    {OPERATORS.map((o) => (
                      <option key={o.value} value={o.value}>
                        {o.label}
                      </option>
                    ))}
                  </select>
                  {!op?.unary && (
                    <input
                      type="text"
                      aria-label={`Case ${i + 1} condition ${j + 1} value`}
                      placeholder="value"
                      value={cond.value === null || cond.value === undefined ? '' : String(cond.value)}
                      readOnly={ro}
                      onChange={(e) => setCond({ ...cond, value: parseValue(e.target.value) })}
                    />
                  )}
                  {!ro && (
                    <button
                      type="button"
                      className="icon-btn danger"
                      aria-label={`Remove condition ${j + 1} of case ${c.id}`}
                      disabled={c.conditions.length <= 1}
                      onClick={() => setCase(i, { ...c, conditions: c.conditions.filter((_, n) => n !== j) })}
                    >
                      ×
                    </button>
                  )}
                </div>
              );
            })}
            {!ro && (
              <button
                type="button"
                className="button-small"
                onClick={() => setCase(i, { ...c, conditions: [...c.conditions, { variable: '', operator: 'equals', value: '' }] })}
              >
                + Add condition
              </button>
            )}
            {caseIssues.map((iss, n) => (
              <p className="field-error" key={n}>
                {iss.message}
              </p>
            ))}
          </section>
        );
      })}
      {!ro && (
        <button
          type="button"
          className="button-small"
          onClick={() => onChange([...cases, { id: nextCaseId(cases), logical_operator: 'and', conditions: [{ variable: '', operator: 'equals', value: '' }] }])}
        >
          + Add ELIF case
        </button>
      )}
      <p className="cond-else">
        <span className="cond-kw">ELSE</span> goes to the <code>else</code> handle.
      </p>
    </div>
  );
}
