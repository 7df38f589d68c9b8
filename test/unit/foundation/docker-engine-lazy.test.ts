/**
 * dockerode's BuildKit (gRPC) and ssh:// dependencies are loaded on first use, not with the
 * client: a fresh process that makes a client and asks the engine nothing has not loaded them.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadedOnFirstUse } from '../../../electron/services/docker-engine';

const root = join(import.meta.dirname, '..', '..', '..');

describe('the Docker client loads what it uses', () => {
  it('making a client loads dockerode without gRPC or ssh2', () => {
    const script = `
      import { createRequire } from 'node:module';
      import { createDockerClient } from './electron/services/docker-engine.ts';
      const docker = createDockerClient({ DOCKER_HOST: 'tcp://127.0.0.1:1' });
      const cache = Object.keys(createRequire(import.meta.url).cache);
      console.log(JSON.stringify({ dockerode: cache.some((k) => k.includes('dockerode')), lazy: cache.filter((k) => /@grpc|ssh2|proto-loader/.test(k)).length, hasModem: typeof docker.modem }));
    `;
    const out = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: root, encoding: 'utf8' });
    expect(JSON.parse(out.trim().split('\n').pop()!)).toEqual({ dockerode: true, lazy: 0, hasModem: 'object' });
  });

  it('a stand-in behaves as the module once touched: properties, calls and new', () => {
    let loads = 0;
    const real = Object.assign((x: number) => x * 2, { answer: 42 });
    const lazyFn = loadedOnFirstUse(() => (loads++, real)) as typeof real;
    expect(loads).toBe(0);
    expect(lazyFn.answer).toBe(42);
    expect(lazyFn(21)).toBe(42);
    class Thing {
      constructor(readonly v: number) {}
    }
    const LazyThing = loadedOnFirstUse(() => Thing) as typeof Thing;
    expect(new LazyThing(7).v).toBe(7);
    expect(loads).toBe(1);
  });
});
