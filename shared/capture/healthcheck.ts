/**
 * A Docker/compose healthcheck (`Config.Healthcheck`) as a bundle healthcheck. The bundle's
 * checks are HTTP probes made by the workbench, so only a check that is a `wget`/`curl` of a
 * local URL translates; anything else is left out and the reason said.
 */
import type { HealthcheckSpec } from '../bundle/manifest';

export interface EngineHealthcheck {
  Test?: string[] | null;
  /** Nanoseconds, as the engine reports them. */
  Interval?: number;
  Timeout?: number;
  StartPeriod?: number;
  Retries?: number;
}

export type HealthcheckCapture = { ok: true; spec: HealthcheckSpec; from: string } | { ok: false; reason: string };

const LOCAL_HOSTS = new Set(['localhost', '127.0.0.1', '0.0.0.0', '[::1]', '::1']);
const NS_PER_MS = 1_000_000;

/** Split a CMD-SHELL string into words (quotes respected; enough for `curl -f "http://..." || exit 1`). */
function shellWords(cmd: string): string[] {
  const out: string[] = [];
  const re = /"((?:[^"\\]|\\.)*)"|'([^']*)'|(\S+)/g;
  for (let m = re.exec(cmd); m; m = re.exec(cmd)) out.push(m[1] ?? m[2] ?? m[3]!);
  return out;
}

export function captureHealthcheck(hc: EngineHealthcheck | undefined | null, source: 'container' | 'image'): HealthcheckCapture {
  const test = hc?.Test ?? [];
  if (test.length === 0) return { ok: false, reason: 'no healthcheck' };
  if (test[0] === 'NONE') return { ok: false, reason: 'healthcheck disabled (NONE)' };
  const words = test[0] === 'CMD-SHELL' ? shellWords(test.slice(1).join(' ')) : test[0] === 'CMD' ? test.slice(1) : test;
  const tool = words.findIndex((w) => /(^|\/)(wget|curl)$/.test(w));
  if (tool === -1) return { ok: false, reason: `healthcheck is not an HTTP check (${JSON.stringify(words.slice(0, 3).join(' '))}); the bundle's checks are HTTP probes, so none was captured` };
  for (const w of words.slice(tool + 1)) {
    let url: URL;
    try {
      url = new URL(w);
    } catch {
      continue;
    }
    if (url.protocol !== 'http:') return { ok: false, reason: `healthcheck probes ${url.protocol}// (only plain http:// checks can be captured)` };
    if (!LOCAL_HOSTS.has(url.hostname)) return { ok: false, reason: `healthcheck probes ${url.hostname}, not the container itself` };
    const port = url.port ? Number(url.port) : 80;
    const spec: HealthcheckSpec = { http: { port, path: `${url.pathname}${url.search}` } };
    const interval = hc?.Interval ? Math.round(hc.Interval / NS_PER_MS) : undefined;
    if (interval && interval >= 1 && interval <= 86_400_000) spec.intervalMs = interval;
    return { ok: true, spec, from: `${source} healthcheck (${words[tool]!.replace(/^.*\//, '')} ${url.href})` };
  }
  return { ok: false, reason: 'healthcheck runs wget/curl but no local http:// URL was found in it' };
}
