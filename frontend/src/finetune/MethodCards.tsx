/** The method chooser: one card per method — its label, what it trains and, once the base model
 * is known, how many parameters it trains. A radio group (arrow keys move between cards). */
import { fieldId } from './fieldErrors';
import { trainableText } from './methods';
import type { MethodInfo, TuneMethod } from './types';

export function MethodCards({
  methods,
  chosen,
  totalParams,
  onChoose,
}: {
  methods: MethodInfo[];
  chosen: TuneMethod;
  totalParams: number | undefined;
  onChoose: (method: TuneMethod) => void;
}) {
  return (
    <div className="ft-method-cards" role="radiogroup" aria-label="Method" id={fieldId('method')}>
      {methods.map((m) => {
        const params = trainableText(m.trainable_params, totalParams);
        return (
          <label key={m.method} className={`ft-method-card${m.method === chosen ? ' chosen' : ''}`} data-testid={`method-${m.method}`}>
            <input
              type="radio"
              name="method"
              value={m.method}
              checked={m.method === chosen}
              onChange={() => onChoose(m.method)}
              aria-labelledby={`method-${m.method}-label`}
              aria-describedby={`method-${m.method}-summary`}
            />
            <span className="ft-method-label" id={`method-${m.method}-label`}>
              {m.label}
            </span>
            <span className="ft-method-summary muted small" id={`method-${m.method}-summary`}>
              {m.summary}
            </span>
            {params && <span className="ft-method-params small">{params}</span>}
          </label>
        );
      })}
    </div>
  );
}
