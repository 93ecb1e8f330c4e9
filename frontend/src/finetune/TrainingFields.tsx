/** The training settings: how long (epochs), how fast (learning rate), how much at once (batch
 * size, maximum length), how many rows are held out for validation and the seed. The defaults
 * finish in minutes on the bundled model and a small dataset. */
import { Field, invalidProps, type FieldErrors } from './fieldErrors';
import type { TrainingSettings } from './types';

export const TRAINING_DEFAULTS: TrainingSettings = {
  epochs: 3,
  learning_rate: 2e-3, // LoRA's; the page shows the chosen method's own
  batch_size: 4,
  max_length: 256,
  validation_share: 0.2,
  seed: 0,
};

/** The form keeps the text typed; the API gets numbers. */
export type TrainingDraft = Record<keyof TrainingSettings, string>;

export const trainingDraft = (values: TrainingSettings = TRAINING_DEFAULTS): TrainingDraft =>
  Object.fromEntries(Object.entries(values).map(([k, v]) => [k, String(v)])) as TrainingDraft;

/** Numbers as numbers; a value that is not one is sent as typed, for the server to name it. */
export function trainingSettingsOf(draft: TrainingDraft): TrainingSettings {
  return Object.fromEntries(
    Object.entries(draft).map(([k, text]) => {
      const n = Number(text.trim());
      return [k, text.trim() !== '' && Number.isFinite(n) ? n : text];
    }),
  ) as unknown as TrainingSettings;
}

const FIELDS: { name: keyof TrainingSettings; label: string; hint: string; step?: string; min?: number; max?: number }[] = [
  { name: 'epochs', label: 'Epochs', hint: 'Passes over the training rows.', min: 1, max: 100 },
  { name: 'learning_rate', label: 'Learning rate', hint: "The method's own until you change it; prompt methods take larger steps.", step: 'any' },
  { name: 'batch_size', label: 'Batch size', hint: 'Rows per step; more needs more memory.', min: 1, max: 256 },
  { name: 'max_length', label: 'Max length (tokens)', hint: 'Longer rows are cut; more needs more memory.', min: 16, max: 8192 },
  { name: 'validation_share', label: 'Validation share', hint: 'Rows held out (0–0.5) for the validation loss and the comparison with the base model.', step: '0.05', min: 0, max: 0.5 },
  { name: 'seed', label: 'Seed', hint: 'Same seed, same split and same result.', min: 0 },
];

export function TrainingFields({
  draft,
  errors,
  onChange,
}: {
  draft: TrainingDraft;
  errors: FieldErrors;
  onChange: (name: keyof TrainingSettings, value: string) => void;
}) {
  return (
    <div className="ft-fields ft-fields-row">
      {FIELDS.map((f) => (
        <Field key={f.name} field={f.name} label={f.label} hint={f.hint} errors={errors}>
          <input
            {...invalidProps(f.name, errors)}
            type="number"
            className="ft-narrow"
            step={f.step}
            min={f.min}
            max={f.max}
            value={draft[f.name]}
            onChange={(e) => onChange(f.name, e.target.value)}
          />
        </Field>
      ))}
    </div>
  );
}
