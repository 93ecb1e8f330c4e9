/** Errors that name an input: the platform's {"error": {"details": {"field": "batch_size"}}} (the
 * message belongs to that field) and the serializer's {"details": {"name": ["…"]}}. */
import { ApiError } from '../api/client';

export type FieldErrors = Record<string, string>;

function flatten(details: Record<string, unknown>, prefix: string, into: FieldErrors): void {
  for (const [key, value] of Object.entries(details)) {
    const field = prefix ? `${prefix}.${key}` : key;
    if (typeof value === 'string') into[field] = value;
    else if (Array.isArray(value) && value.every((v) => typeof v === 'string')) into[field] = value.join(' ');
    else if (typeof value === 'object' && value !== null && !Array.isArray(value)) flatten(value as Record<string, unknown>, field, into);
  }
}

/** The message per field of an error (empty when it names none). */
export function fieldErrorsOf(error: unknown): FieldErrors {
  if (!(error instanceof ApiError) || typeof error.details !== 'object' || error.details === null || Array.isArray(error.details)) return {};
  const details = error.details as Record<string, unknown>;
  if (typeof details.field === 'string') return { [details.field]: error.message };
  const errors: FieldErrors = {};
  flatten(details, '', errors);
  return errors;
}

/** The id of a field's input, for labels, aria-describedby and focus. */
export const fieldId = (field: string) => `ft-${field.replace(/[^a-zA-Z0-9_-]/g, '-')}`;

/** The props that mark an input as the one the error is about. */
export function invalidProps(field: string, errors: FieldErrors) {
  const message = errors[field];
  return {
    id: fieldId(field),
    'aria-invalid': message ? true : undefined,
    'aria-describedby': message ? `${fieldId(field)}-error` : undefined,
  } as const;
}

/** The message under the input it is about. */
export function FieldError({ field, errors }: { field: string; errors: FieldErrors }) {
  const message = errors[field];
  if (!message) return null;
  return (
    <span className="ft-field-error" id={`${fieldId(field)}-error`} data-testid={`field-error-${field}`}>
      {message}
    </span>
  );
}

/** One input with its label, a hint and the error about it (the input spreads invalidProps). */
export function Field({
  field,
  label,
  hint,
  errors,
  children,
}: {
  field: string;
  label: string;
  hint?: string;
  errors: FieldErrors;
  children: React.ReactNode;
}) {
  return (
    <div className={`ft-field${errors[field] ? ' ft-field-invalid' : ''}`}>
      <label htmlFor={fieldId(field)}>{label}</label>
      {children}
      {hint && <span className="muted small">{hint}</span>}
      <FieldError field={field} errors={errors} />
    </div>
  );
}
