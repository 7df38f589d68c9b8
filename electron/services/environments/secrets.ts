import { readFileSync } from 'node:fs';
import { parse as parseDotenv } from 'dotenv';
import { WorkbenchError } from '../../../shared/api/errors';
import { MANIFEST_DEFAULTS, type BundleManifest } from '../../../shared/bundle/manifest';

export const SECRET_ENV_PREFIX = 'REPRO_SECRET_';

export interface SecretSources {
  /** Process environment: REPRO_SECRET_<NAME>. */
  env?: NodeJS.ProcessEnv;
  /** A dotenv file (`NAME=value` lines); names as in the manifest, with or without the prefix. */
  secretsFile?: string;
  /** Values typed into the UI's prompt; win over the other sources. */
  provided?: Record<string, string>;
}

export interface SecretNeed {
  name: string;
  required: boolean;
  services: string[];
}

/** Every secret the bundle's services ask for, merged across services. */
export function secretNeeds(manifest: BundleManifest): SecretNeed[] {
  const byName = new Map<string, SecretNeed>();
  for (const svc of manifest.services) {
    for (const s of svc.secrets ?? []) {
      const required = s.required ?? MANIFEST_DEFAULTS.secretRequired;
      const need = byName.get(s.name) ?? { name: s.name, required: false, services: [] };
      need.required ||= required;
      need.services.push(svc.name);
      byName.set(s.name, need);
    }
  }
  return [...byName.values()];
}

export function readSecretsFile(file: string): Record<string, string> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new WorkbenchError('invalid_argument', `Cannot read secrets file ${file}: ${(err as Error).message}`);
  }
  return parseDotenv(text);
}

/**
 * Values for the bundle's secrets, from the engineer's machine only. Throws `secret_missing`
 * naming every missing required secret; called before anything is created in the engine.
 * The returned map is held in memory and handed to container env; it is never persisted.
 */
export function resolveSecrets(manifest: BundleManifest, sources: SecretSources): Map<string, string> {
  const env = sources.env ?? {};
  const file = sources.secretsFile ? readSecretsFile(sources.secretsFile) : {};
  const values = new Map<string, string>();
  const missing: SecretNeed[] = [];
  for (const need of secretNeeds(manifest)) {
    const value =
      sources.provided?.[need.name] ?? file[need.name] ?? file[SECRET_ENV_PREFIX + need.name] ?? env[SECRET_ENV_PREFIX + need.name];
    if (value !== undefined) values.set(need.name, value);
    else if (need.required) missing.push(need);
  }
  if (missing.length > 0) {
    const list = missing.map((m) => `${m.name} (needed by ${m.services.join(', ')})`).join('; ');
    const how = missing.map((m) => SECRET_ENV_PREFIX + m.name).join(', ');
    throw new WorkbenchError(
      'secret_missing',
      `Missing required secret${missing.length > 1 ? 's' : ''}: ${list}. Set ${how} in the environment, pass --secrets FILE, or enter ${missing.length > 1 ? 'them' : 'it'} in the app.`,
      { missing: missing.map((m) => ({ name: m.name, services: m.services })) },
    );
  }
  return values;
}
