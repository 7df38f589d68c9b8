import { describe, expect, it } from 'vitest';
import Docker from 'dockerode';
import { parseRuntimeKind, recordRuntime, runtimeFor } from '../../../electron/services/environments/runtime';
import { LocalRuntime } from '../../../electron/services/environments/runtime/local';

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
    expect(() => parseRuntimeKind('nomad')).toThrow(/Unknown runtime "nomad": expected one of local/);
    expect(() => runtimeFor(docker, { kind: 'nomad' as never, endpoint: 'x' })).toThrow(/Unknown runtime "nomad"/);
  });
});
