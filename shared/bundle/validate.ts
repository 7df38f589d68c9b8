/**
 * bundle.json text -> typed manifest, or problems that name the JSON pointer and what was
 * expected. Pure: used by the Node services and, for previews, by the renderer.
 */
import type { z } from '../zod';
import { locateJsonSyntaxError } from './json-syntax';
import { bundleManifestSchema, UNSAFE_PATH_MESSAGE, type BundleManifest } from './manifest';
import { BUNDLE_PATH_RULE, explainUnsafePath, isExemptFromListing } from './paths';
import { manifestPointer, type BundleProblem } from './problems';
import { symptomHasCondition } from './symptoms';
import { parseJsonPath } from '../runbook/json-path';
import { appendAll } from '../array';

export type ManifestParseResult =
  | { ok: true; manifest: BundleManifest; problems: [] }
  | { ok: false; manifest?: undefined; problems: BundleProblem[] };

export function parseManifest(text: string): ManifestParseResult {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    const where = locateJsonSyntaxError(text);
    const message = where
      ? `bundle.json is not valid JSON at line ${where.line}, column ${where.column}: ${where.message}`
      : `bundle.json is not valid JSON: ${(err as Error).message}`;
    return { ok: false, problems: [{ code: 'parse', path: 'bundle.json', message }] };
  }
  const parsed = bundleManifestSchema.safeParse(data);
  if (!parsed.success) return { ok: false, problems: issuesToProblems(parsed.error.issues, data) };
  const semantic = checkManifestSemantics(parsed.data);
  if (semantic.length > 0) return { ok: false, problems: semantic };
  return { ok: true, manifest: parsed.data, problems: [] };
}

type Issue = z.core.$ZodIssue;

/** The value at a path of parsed JSON (undefined where it is missing). */
export function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let v = root;
  for (const k of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<PropertyKey, unknown>)[k];
  }
  return v;
}

export function issuesToProblems(issues: readonly Issue[], data: unknown, base: readonly PropertyKey[] = []): BundleProblem[] {
  const out: BundleProblem[] = [];
  for (const issue of issues) {
    const path = [...base, ...issue.path];
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        out.push({
          code: 'schema',
          path: manifestPointer([...path, key]),
          message: `${manifestPointer([...path, key])}: unknown key "${key}" (repro.bundle/v1 has no such field; unknown keys are refused)`,
        });
      }
      continue;
    }
    if (issue.code === 'invalid_union' && issue.errors.length > 0) {
      const value = valueAt(data, path);
      if (value !== null && typeof value === 'object' && 'http' in value && 'cmd' in value) {
        out.push({ code: 'schema', path: manifestPointer(path), message: `${manifestPointer(path)}: expected exactly one of "http" or "cmd", not both` });
        continue;
      }
      // Report the alternative the author most likely meant: the one with the fewest complaints.
      const best = [...issue.errors].sort((a, b) => a.length - b.length)[0]!;
      appendAll(out, issuesToProblems(best, data, path));
      continue;
    }
    const pointer = manifestPointer(path);
    if (issue.message === UNSAFE_PATH_MESSAGE) {
      const value = valueAt(data, path);
      const why = typeof value === 'string' ? explainUnsafePath(value) : undefined;
      out.push({
        code: 'unsafe_path',
        path: pointer,
        message: `${pointer}: ${why ? `${why} (${JSON.stringify(value)})` : 'unsafe path'}; expected ${BUNDLE_PATH_RULE}`,
      });
      continue;
    }
    out.push({ code: 'schema', path: pointer, message: `${pointer}: ${issue.message}` });
  }
  return out;
}

/** Rules that span fields (JSON Schema cannot say them): unique names, references that resolve. */
export function checkManifestSemantics(m: BundleManifest): BundleProblem[] {
  const problems: BundleProblem[] = [];
  const add = (path: PropertyKey[], message: string) =>
    problems.push({ code: 'schema', path: manifestPointer(path), message: `${manifestPointer(path)}: ${message}` });

  const names = new Map<string, number>();
  m.services.forEach((s, i) => {
    if (names.has(s.name)) add(['services', i, 'name'], `duplicate service name "${s.name}" (also services[${names.get(s.name)}])`);
    else names.set(s.name, i);
  });
  m.services.forEach((s, i) => {
    s.dependsOn?.forEach((d, j) => {
      if (d === s.name) add(['services', i, 'dependsOn', j], `service "${s.name}" cannot depend on itself`);
      else if (!names.has(d)) add(['services', i, 'dependsOn', j], `expected the name of a service in this bundle, got "${d}"`);
    });
    const ingress = (s.ports ?? []).filter((p) => p.ingress);
    if (ingress.length > 1) add(['services', i, 'ports'], 'expected at most one port with "ingress": true');
    const envNames = new Set(Object.keys(s.env ?? {}));
    s.secrets?.forEach((sec, j) => {
      if (envNames.has(sec.name)) add(['services', i, 'secrets', j, 'name'], `"${sec.name}" is both a secret and a literal env value; a secret must come from the engineer's machine`);
    });
  });

  const listed = new Map<string, number>();
  m.files.forEach((f, i) => {
    if (isExemptFromListing(f.path)) add(['files', i, 'path'], `"${f.path}" must not be listed (bundle.json and attestations/* are not listed in files)`);
    if (listed.has(f.path)) add(['files', i, 'path'], `duplicate entry for "${f.path}" (also files[${listed.get(f.path)}])`);
    else listed.set(f.path, i);
  });
  const mustBeListed = (p: string, at: PropertyKey[]) => {
    if (!listed.has(p)) add(at, `"${p}" is not listed in files (every referenced file must be listed with its digest)`);
  };
  m.services.forEach((s, i) => {
    if (s.image.archive) mustBeListed(s.image.archive, ['services', i, 'image', 'archive']);
    s.volumes?.forEach((v, j) => {
      if (v.snapshot) mustBeListed(v.snapshot, ['services', i, 'volumes', j, 'snapshot']);
    });
  });
  m.canary?.metrics.forEach((metric, i) => mustBeListed(metric.file, ['canary', 'metrics', i, 'file']));
  m.incident.symptoms?.forEach((s, i) => {
    if (!symptomHasCondition(s)) add(['incident', 'symptoms', i], 'expected at least one of "status", "json" or "latencyMs" (what the response shows)');
    if (s.json) {
      try {
        parseJsonPath(s.json.path);
      } catch (err) {
        add(['incident', 'symptoms', i, 'json', 'path'], (err as Error).message);
      }
    }
  });
  const t = m.canary?.thresholds;
  if (t && t.marginal > t.pass) add(['canary', 'thresholds', 'marginal'], `expected marginal (${t.marginal}) <= pass (${t.pass})`);
  return problems;
}
