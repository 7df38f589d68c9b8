/**
 * One strict Content-Security-Policy for both hosts. Monaco needs blob: workers and inline styles
 * (it injects <style> at run time); nothing is loaded from anywhere but our own origin.
 */
export function contentSecurityPolicy(host: 'desktop' | 'web'): string {
  // CSP3: 'self' also matches ws:/wss: to our own host, so the web host's event socket is allowed.
  void host;
  const connect = "'self'";
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    `connect-src ${connect}`,
    "worker-src 'self' blob:",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}
