/** What the last action of a Publish panel tab did: a notice when it worked, the error when not. */
import { errorMessage } from '../api/client';

export function ActionFeedback({ notice, error, testId }: { notice: string | null; error: unknown; testId: string }) {
  return (
    <>
      {notice && (
        <p className="pub-notice" role="status" data-testid={testId}>
          {notice}
        </p>
      )}
      {error !== null && (
        <p className="trace-error" role="alert">
          {errorMessage(error)}
        </p>
      )}
    </>
  );
}
