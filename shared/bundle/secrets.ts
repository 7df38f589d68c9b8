/**
 * Heuristics for credentials that should not travel in a bundle. A bundle carries secret
 * NAMES only; values come from the engineer's machine. Findings are warnings (a false positive
 * must not block an investigation) and never include the matched value.
 */
export interface SecretFinding {
  kind: string;
  /** 1-based line in the scanned text, when known. */
  line?: number;
}

const TEXT_PATTERNS: { kind: string; re: RegExp }[] = [
  { kind: 'private key block', re: /-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----/g },
  { kind: 'AWS access key id', re: /\b(?:AKIA|ASIA|AGPA|AIDA|AROA|ANPA|ANVA|AIPA)[A-Z0-9]{16}\b/g },
  { kind: 'Google API key', re: /\bAIza[0-9A-Za-z_-]{35}\b/g },
  { kind: 'GCP service account key', re: /"private_key_id"\s*:\s*"[0-9a-f]{40}"/g },
  { kind: 'GitHub token', re: /\b(?:gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{60,})\b/g },
  { kind: 'Slack token', re: /\bxox[abposr]-[A-Za-z0-9-]{10,}\b/g },
  { kind: 'bearer token', re: /\bBearer\s+[A-Za-z0-9\-._~+/]{20,}=*/g },
  { kind: 'JSON web token', re: /\beyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}/g },
  { kind: 'basic auth header', re: /"authorization"\s*,\s*"value"\s*:\s*"Basic [A-Za-z0-9+/]{8,}=*"/gi },
];

/** Longest match any pattern needs, so chunked scanning keeps this much overlap. */
export const SECRET_SCAN_OVERLAP = 4096;

export function scanTextForSecrets(text: string): SecretFinding[] {
  const found: SecretFinding[] = [];
  for (const { kind, re } of TEXT_PATTERNS) {
    re.lastIndex = 0;
    const m = re.exec(text);
    if (m) found.push({ kind, line: countLines(text, m.index) });
  }
  return found;
}

function countLines(text: string, upTo: number): number {
  let n = 1;
  for (let i = text.indexOf('\n'); i !== -1 && i < upTo; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

const SECRET_NAME_RE = /(PASSWORD|PASSWD|PASSPHRASE|SECRET|TOKEN|API_?KEY|ACCESS_?KEY|PRIVATE_?KEY|CREDENTIAL|AUTH)/i;

/** An env entry whose value looks like a credential (by its content, or by its name and shape). */
export function envValueLooksSecret(name: string, value: string): string | undefined {
  const byContent = scanTextForSecrets(value)[0];
  if (byContent) return byContent.kind;
  if (!SECRET_NAME_RE.test(name) || value.length < 12) return undefined;
  // URLs, paths and plain words are configuration, not credentials.
  if (/^[a-z]+:\/\//i.test(value) || value.startsWith('/') || /^[a-z-]+$/i.test(value)) return undefined;
  return shannonBits(value) >= 3.5 ? 'high-entropy value under a secret-like name' : undefined;
}

/** Shannon entropy of a string, bits per character. */
export function shannonBits(s: string): number {
  const counts = new Map<string, number>();
  for (const c of s) counts.set(c, (counts.get(c) ?? 0) + 1);
  let h = 0;
  for (const n of counts.values()) {
    const p = n / s.length;
    h -= p * Math.log2(p);
  }
  return h;
}
