import { describe, expect, it } from 'vitest';
import type { CliIo } from '../../../electron/cli/command';
import { parseCaptureFlags } from '../../../electron/cli/commands/capture';
import { main } from '../../../electron/cli/main';

function io(): CliIo & { out: string; err: string } {
  const o = { out: '', err: '', stdout: (t: string) => void (o.out += t), stderr: (t: string) => void (o.err += t), env: { ...process.env, REPRO_HOME: '/nonexistent-repro-home' }, cwd: '/tmp', isTTY: false };
  return o;
}

describe('repro capture flags', () => {
  it('turns flags into capture options', () => {
    const o = parseCaptureFlags(
      {
        project: 'shop',
        out: 'INC',
        ingress: 'web:8080',
        logs: ['all'],
        since: '30m',
        secret: ['REGION'],
        'keep-env': ['KEYBOARD'],
        'no-snapshot': ['db:/var/lib/db'],
        flag: ['new-pricing=true', 'ratio=0.5', 'cohort=b'],
        prometheus: 'http://127.0.0.1:9090',
        metric: ['p99:either=histogram_quantile(0.99, x)'],
        from: '2026-11-20T14:00:00Z',
        to: '2026-11-20T15:00:00Z',
        step: '1m',
        'canary-selector': ['track=canary'],
        'baseline-selector': ['track=baseline'],
      },
      '/work',
    );
    expect(o).toMatchObject({
      selection: { project: 'shop' },
      out: '/work/INC',
      ingress: { service: 'web', port: 8080 },
      logs: { services: 'all', sinceMs: 1_800_000 },
      overrides: { secret: ['REGION'], keep: ['KEYBOARD'] },
      noSnapshot: [{ service: 'db', target: '/var/lib/db' }],
      provenance: { featureFlags: { 'new-pricing': true, ratio: 0.5, cohort: 'b' } },
      prometheus: { stepSeconds: 60, metrics: [{ name: 'p99', query: 'histogram_quantile(0.99, x)', direction: 'either' }], canarySelector: { track: 'canary' }, baselineSelector: { track: 'baseline' } },
    });
    expect(parseCaptureFlags({ containers: ['a,b', 'c'], out: '/x' }, '/').selection).toEqual({ containers: ['a', 'b', 'c'] });
  });

  it('is a usage error (exit 2, naming the flag) for what cannot be right', async () => {
    const cases: [string[], RegExp][] = [
      [['-o', 'x'], /--project NAME or --containers/],
      [['--project', 'p', '--containers', 'c', '-o', 'x'], /not both/],
      [['--project', 'p'], /-o DIR is required/],
      [['--project', 'p', '-o', 'x', '--ingress', 'Web!'], /--ingress "Web!"/],
      [['--project', 'p', '-o', 'x', '--since', '1h'], /--since applies to --logs/],
      [['--project', 'p', '-o', 'x', '--metric', 'a=up'], /--metric needs --prometheus/],
      [['--project', 'p', '-o', 'x', '--prometheus', 'http://h', '--metric', 'a=up', '--from', 'yesterday', '--to', '2026-11-20T15:00:00Z'], /--from "yesterday"/],
      [['--project', 'p', '-o', 'x', '--prometheus', 'http://h', '--metric', 'bad', '--from', '2026-11-20T14:00:00Z', '--to', '2026-11-20T15:00:00Z'], /--metric "bad"/],
      [['--project', 'p', '-o', 'x', '--secret', 'not-a-name'], /--secret "not-a-name"/],
      [['--project', 'p', '-o', 'x', '--noise', 'servedAt'], /--noise "servedAt"/],
      [['--project', 'p', '-o', 'x', '--no-snapshot', 'web'], /--no-snapshot "web"/],
    ];
    for (const [args, message] of cases) {
      const o = io();
      expect(await main(['capture', ...args], o), args.join(' ')).toBe(2);
      expect(o.err).toMatch(message);
    }
  });

  it('record-traffic: usage errors name the flag', async () => {
    for (const [args, message] of [
      [['-o', 'x.har'], /--target URL is required/],
      [['--target', 'http://h', '-o', 'x.har', '--listen', 'nohost'], /--listen "nohost"/],
      [['--target', 'http://h', '-o', 'x.har', '--duration', 'forever'], /--duration "forever"/],
    ] as [string[], RegExp][]) {
      const o = io();
      expect(await main(['record-traffic', ...args], o)).toBe(2);
      expect(o.err).toMatch(message);
    }
  });
});
