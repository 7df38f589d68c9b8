import type { UiError } from '../store/remote';

/**
 * The one way the renderer shows an error: an alert with the message, the contract's error code
 * on the element (tests and styles can tell a `conflict` from an `unavailable`), and a retry when
 * there is something to retry.
 */
export function ErrorNote({ error, prefix, onRetry, onDismiss, className }: { error?: UiError; prefix?: string; onRetry?: () => void; onDismiss?: () => void; className?: string }) {
  if (!error) return null;
  return (
    <p role="alert" className={`error error-note${className ? ` ${className}` : ''}`} data-error-code={error.code}>
      {prefix ? `${prefix}: ` : ''}
      {error.message}
      {onRetry && (
        <>
          {' '}
          <button type="button" className="link" onClick={onRetry}>
            Retry
          </button>
        </>
      )}
      {onDismiss && (
        <>
          {' '}
          <button type="button" className="link" onClick={onDismiss} aria-label={`Dismiss: ${error.message}`}>
            Dismiss
          </button>
        </>
      )}
    </p>
  );
}
