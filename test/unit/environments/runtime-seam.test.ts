import { describe, expect, it } from 'vitest';
import Docker from 'dockerode';
import { parseRuntimeKind, recordRuntime, runtimeFor } from '../../../electron/services/environments/runtime';
import { LocalRuntime } from '../../../electron/services/environments/runtime/local';
import { checkRegistry, checkReplicas, parseReplicas } from '../../../electron/services/environments/runtime/options';

describe('runtime seam', () => {
  it('reads a session record from before runtimes as local, on the engine of the environment', () => {
    expect(recordRuntime({}, { DOCKER_HOST: 'tcp://10.0.0.5:2376' })).toEqual({ kind: 'local', endpoint: 'tcp://10.0.0.5:2376' });
    expect(recordRuntime({}, {}).kind).toBe('local');
  });

  it('keeps the runtime a record names', () => {
    const ref = { kind: 'local' as const, endpoint: 'unix:///x.sock' };
    expect(recordRuntime({ runtime: ref }, {})).toBe(ref);
  });

  it('gives the local runtime for local sessions and names the runtimes it knows on a bad one', () => {
    const docker = new Docker({ socketPath: '/nonexistent.sock' });
    expect(runtimeFor(docker, { kind: 'local', endpoint: 'x' })).toBeInstanceOf(LocalRuntime);
    expect(() => parseRuntimeKind('nomad')).toThrow(/Unknown runtime "nomad": expected one of local, swarm/);
    expect(() => runtimeFor(docker, { kind: 'nomad' as never, endpoint: 'x' })).toThrow(/Unknown runtime "nomad"/);
  });
});

describe('swarm options', () => {
  const services = [
    { name: 'checkout', image: { ref: 'a', id: 'sha256:1' } },
    { name: 'pricing', image: { ref: 'b', id: 'sha256:2' }, volumes: [{ target: '/data' }] },
  ] as Parameters<typeof checkReplicas>[0];

  it('parses SERVICE=N and refuses anything else', () => {
    expect(parseReplicas(['checkout=3', 'pricing=1'])).toEqual({ checkout: 3, pricing: 1 });
    expect(() => parseReplicas(['checkout'])).toThrow(/expected SERVICE=N/);
    expect(() => parseReplicas(['Checkout=2'])).toThrow(/expected SERVICE=N/);
  });

  it('runs more than one task of stateless services only, and names what is wrong', () => {
    expect(() => checkReplicas(services, { checkout: 4, pricing: 1 })).not.toThrow();
    expect(() => checkReplicas(services, { pricing: 2 })).toThrow(/"pricing" has volumes/);
    expect(() => checkReplicas(services, { cart: 2 })).toThrow(/no service "cart" \(services: checkout, pricing\)/);
    expect(() => checkReplicas(services, { checkout: 0 })).toThrow(/from 1 to 32/);
  });

  it('takes a registry as HOST:PORT, never a URL or a path', () => {
    expect(checkRegistry('127.0.0.1:5000')).toBe('127.0.0.1:5000');
    expect(checkRegistry('registry.internal')).toBe('registry.internal');
    for (const bad of ['http://x:5000', 'x:5000/evil', '../x', 'x y']) expect(() => checkRegistry(bad)).toThrow(/expected HOST:PORT/);
  });
});
