/** One score to give, by keyboard or mouse: options with their number keys (categorical, yes/no),
 * a number field, or a text area. The widget's element takes the focus the review screen moves. */
import { memo } from 'react';
import { keyForOption, type DraftValue } from './keys';
import { scaleText } from './parts';
import type { ScoreConfig, ScoreValue } from './types';

export interface ScoreWidgetProps {
  config: ScoreConfig;
  value: DraftValue;
  error: string | undefined;
  active: boolean;
  onChange: (configId: number, value: DraftValue) => void;
  onFocus: (configId: number) => void;
  widgetRef: (configId: number, el: HTMLElement | null) => void;
}

function Choices({ config, value, onChange }: Pick<ScoreWidgetProps, 'config' | 'value' | 'onChange'>) {
  const choices: [ScoreValue, string][] =
    config.kind === 'boolean' ? [[true, 'yes'], [false, 'no']] : config.options.map((o): [ScoreValue, string] => [o, o]);
  return (
    <div className="ann-choices">
      {choices.map(([choice, text], index) => (
        <button
          key={text}
          type="button"
          role="radio"
          tabIndex={-1}
          aria-checked={value === choice}
          className={`ann-choice ${value === choice ? 'chosen' : ''}`}
          onMouseDown={(e) => e.preventDefault()}
          onClick={() => onChange(config.id, choice)}
        >
          <kbd>{keyForOption(config, index)}</kbd> {text}
        </button>
      ))}
    </div>
  );
}

export const ScoreWidget = memo(function ScoreWidget({ config, value, error, active, onChange, onFocus, widgetRef }: ScoreWidgetProps) {
  const ref = (el: HTMLElement | null) => widgetRef(config.id, el);
  const focus = () => onFocus(config.id);
  const head = (
    <div className="ann-widget-head">
      <strong id={`score-${config.id}-name`}>{config.name}</strong>
      <span className="muted small">{config.kind === 'text' ? 'optional' : scaleText(config)}</span>
    </div>
  );
  const description = config.description && <p className="muted small ann-widget-desc">{config.description}</p>;
  const errorLine = error && (
    <p className="ann-widget-error" role="alert">
      {error}
    </p>
  );
  const className = `ann-widget ${active ? 'active' : ''} ${error ? 'invalid' : ''}`;

  if (config.kind === 'categorical' || config.kind === 'boolean') {
    return (
      <div
        ref={ref}
        className={className}
        role="radiogroup"
        aria-labelledby={`score-${config.id}-name`}
        aria-invalid={error ? true : undefined}
        tabIndex={0}
        onFocus={focus}
        data-testid={`score-${config.id}`}
      >
        {head}
        {description}
        <Choices config={config} value={value} onChange={onChange} />
        {errorLine}
      </div>
    );
  }
  const text = value === undefined ? '' : String(value);
  return (
    <div className={className} data-testid={`score-${config.id}`}>
      {head}
      {description}
      {config.kind === 'numeric' ? (
        <input
          ref={ref}
          aria-labelledby={`score-${config.id}-name`}
          aria-invalid={error ? true : undefined}
          inputMode="decimal"
          value={text}
          placeholder={scaleText(config)}
          onFocus={focus}
          onChange={(e) => onChange(config.id, e.target.value)}
        />
      ) : (
        <textarea
          ref={ref}
          aria-labelledby={`score-${config.id}-name`}
          aria-invalid={error ? true : undefined}
          rows={2}
          value={text}
          onFocus={focus}
          onChange={(e) => onChange(config.id, e.target.value)}
        />
      )}
      {errorLine}
    </div>
  );
});
