import { ApiError, errorMessage } from '../api/client';

/** Shows an error to the user: the message, plus the code and field details of an ApiError. */
export function ErrorNotice({ error, onDismiss }: { error: unknown; onDismiss?: () => void }) {
  const fieldErrors = error instanceof ApiError ? detailLines(error.details) : [];
  return (
    <div className="notice notice-error" role="alert">
      <div className="notice-body">
        <strong>{errorMessage(error)}</strong>
        {error instanceof ApiError && error.code && (
          <span className="notice-code" data-testid="error-code">
            {error.code}
          </span>
        )}
        {fieldErrors.length > 0 && (
          <ul className="notice-details">
            {fieldErrors.map((line) => (
              <li key={line}>{line}</li>
            ))}
          </ul>
        )}
      </div>
      {onDismiss && (
        <button type="button" className="button-quiet" onClick={onDismiss} aria-label="Dismiss error">
          ×
        </button>
      )}
    </div>
  );
}

/** Flattens {"field": ["msg", ...]}, ["msg", ...] or [{"field", "message"}, ...] details into
 * readable lines. */
export function detailLines(details: unknown): string[] {
  if (Array.isArray(details)) return details.map(itemLine);
  if (typeof details !== 'object' || details === null) return [];
  return Object.entries(details).map(([field, value]) => {
    const text = Array.isArray(value) ? value.join(' ') : typeof value === 'string' ? value : JSON.stringify(value);
    return `${field}: ${text}`;
  });
}

function itemLine(item: unknown): string {
  if (typeof item === 'object' && item !== null && 'message' in item) {
    const { field, message } = item as { field?: unknown; message: unknown };
    return field ? `${String(field)}: ${String(message)}` : String(message);
  }
  return typeof item === 'string' ? item : JSON.stringify(item);
}
