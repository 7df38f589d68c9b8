/**
 * Which captured env vars are secrets. Fails closed: a var is a secret when its name OR its
 * value says so; only the user (`--keep-env NAME`, or unticking it in the UI) can keep one in
 * the bundle. The reason is always given, so the choice can be checked; the value never is.
 */
import { scanTextForSecrets, shannonBits } from '../bundle/secrets';

export interface EnvDecision {
  name: string;
  secret: boolean;
  /** Why it is (or is not) taken for a secret, e.g. "name contains TOKEN". */
  reason: string;
  /** What decided: the rules, or the user's override. */
  by: 'name' | 'value' | 'forced' | 'kept' | 'plain';
}

export interface EnvOverrides {
  /** `--secret NAME`: always a secret. */
  secret?: readonly string[];
  /** `--keep-env NAME`: never a secret (kept in the bundle's env). */
  keep?: readonly string[];
}

const SECRET_NAME_PARTS = ['TOKEN', 'SECRET', 'PASSWORD', 'PASSWD', 'PASSPHRASE', 'KEY', 'DSN', 'CREDENTIAL', 'PRIVATE'];

/** Values this long with this much entropy (bits per character) and no spaces look generated. */
const HIGH_ENTROPY_MIN_LENGTH = 20;
const HIGH_ENTROPY_MIN_BITS = 3.5;

/** Why the name marks a secret, or undefined. */
export function secretByName(name: string): string | undefined {
  const upper = name.toUpperCase();
  const part = SECRET_NAME_PARTS.find((p) => upper.includes(p));
  return part ? `name contains ${part}` : undefined;
}

/** Why the value looks like a credential, or undefined. */
export function secretByValue(value: string): string | undefined {
  const hit = scanTextForSecrets(value)[0];
  if (hit) return `value looks like a ${hit.kind}`;
  if (/-----BEGIN [A-Z0-9 ]+-----/.test(value)) return 'value is a PEM block';
  if (/\b[a-z][a-z0-9+.-]*:\/\/[^/\s:@]*:[^/\s@]+@/i.test(value)) return 'value is a URL with user:password';
  if (looksGenerated(value)) return `value is a long high-entropy string (${value.length} characters)`;
  return undefined;
}

function looksGenerated(value: string): boolean {
  if (value.length < HIGH_ENTROPY_MIN_LENGTH || /\s/.test(value)) return false;
  // Configuration, not credentials: URLs without a password, paths, host:port lists, plain words.
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(value) || value.startsWith('/') || /^[a-z]+(?:[-_.][a-z]+)*$/i.test(value)) return false;
  if (!/[0-9]/.test(value) || !/[a-z]/i.test(value)) return false;
  return shannonBits(value) >= HIGH_ENTROPY_MIN_BITS;
}

/** The decision for one env var, overrides first. */
export function classifyEnv(name: string, value: string, overrides: EnvOverrides = {}): EnvDecision {
  const rule = secretByName(name) ? { by: 'name' as const, reason: secretByName(name)! } : secretByValue(value) ? { by: 'value' as const, reason: secretByValue(value)! } : undefined;
  if (overrides.secret?.includes(name)) return { name, secret: true, by: 'forced', reason: rule ? `${rule.reason}; also marked secret by hand` : 'marked secret by hand (--secret)' };
  if (overrides.keep?.includes(name)) return { name, secret: false, by: 'kept', reason: rule ? `kept by hand (--keep-env); otherwise a secret: ${rule.reason}` : 'kept by hand (--keep-env)' };
  if (rule) return { name, secret: true, ...rule };
  return { name, secret: false, by: 'plain', reason: 'no secret-like name or value' };
}

/**
 * The container's own env minus what its image already sets with the same value: what the
 * deployment added. `NAME=value` strings as the engine gives them; later duplicates win.
 */
export function envAddedToImage(containerEnv: readonly string[], imageEnv: readonly string[]): Array<[string, string]> {
  const image = new Map(imageEnv.map(splitEnv));
  const out = new Map<string, string>();
  for (const entry of containerEnv) {
    const [k, v] = splitEnv(entry);
    if (image.get(k) !== v) out.set(k, v);
    else out.delete(k);
  }
  return [...out.entries()];
}

function splitEnv(entry: string): [string, string] {
  const eq = entry.indexOf('=');
  return eq === -1 ? [entry, ''] : [entry.slice(0, eq), entry.slice(eq + 1)];
}
