import { describe, expect, it } from 'vitest';
import Docker from 'dockerode';
import { assertSessionEngine, otherEngine, parseRuntimeKind, recordRuntime, runtimeFor } from '../../../electron/services/environments/runtime';
import { createDockerClient } from '../../../electron/services/docker-engine';
import { agentRoute, checkAgentRoute, ingressHostFor } from '../../../electron/services/environments/host-address';
import { checkSeal } from '../../../electron/services/environments/sandbox';
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

describe('remote engines: where the ingress and the agent are reached', () => {
  it('publishes the ingress on loopback for a socket engine, on the endpoint host for tcp:// and ssh://', async () => {
    expect(await ingressHostFor('unix:///var/run/docker.sock')).toBe('127.0.0.1');
    expect(await ingressHostFor('npipe:////./pipe/docker_engine')).toBe('127.0.0.1');
    expect(await ingressHostFor('tcp://10.1.2.3:2376')).toBe('10.1.2.3');
    expect(await ingressHostFor('ssh://ops@192.168.7.9')).toBe('192.168.7.9');
    expect(await ingressHostFor('tcp://[fd00::5]:2376')).toBe('fd00::5');
    // a name is resolved here, as the connection to the engine was
    expect(await ingressHostFor('tcp://localhost:2375')).toMatch(/^(127\.0\.0\.1|::1)$/);
  });

  it('reaches the agent at --advertise-host, the edge gateway on this machine, host.docker.internal for Docker Desktop, and asks for an address for an engine elsewhere', () => {
    const base = { edgeGateway: '172.30.0.1' };
    expect(agentRoute({ ...base, endpoint: 'tcp://10.1.2.3:2376', local: false, advertiseHost: '10.1.2.200' })).toEqual({ bindHost: '10.1.2.200', gateHost: '10.1.2.200' });
    expect(agentRoute({ ...base, endpoint: 'unix:///var/run/docker.sock', local: true })).toEqual({ bindHost: '172.30.0.1', gateHost: '172.30.0.1' });
    expect(agentRoute({ ...base, endpoint: 'unix:///Users/me/.docker/run/docker.sock', local: false })).toEqual({ bindHost: '127.0.0.1', gateHost: 'host.docker.internal' });
    expect(agentRoute({ ...base, endpoint: 'tcp://127.0.0.1:2375', local: false })).toEqual({ bindHost: '127.0.0.1', gateHost: 'host.docker.internal' });
    expect(() => agentRoute({ ...base, endpoint: 'tcp://10.1.2.3:2376', local: false })).toThrow(/runs on another machine.*Pass --advertise-host with an address of this machine that 10\.1\.2\.3 can route to/);
    expect(() => agentRoute({ ...base, endpoint: 'ssh://ops@build-box', local: false })).toThrow(/that build-box can route to/);
  });

  it('asks for --advertise-host before anything exists when the engine is on another machine', async () => {
    await expect(checkAgentRoute('tcp://192.0.2.10:2376', undefined)).rejects.toThrow(/runs on another machine/);
    await expect(checkAgentRoute('tcp://192.0.2.10:2376', '10.9.9.9')).resolves.toBeUndefined();
    // loopback, an address of this machine, a socket: the up finds the way itself
    await expect(checkAgentRoute('tcp://127.0.0.1:2375', undefined)).resolves.toBeUndefined();
    await expect(checkAgentRoute('unix:///var/run/docker.sock', undefined)).resolves.toBeUndefined();
  });

  it('refuses a session to a workbench on another engine, naming both', async () => {
    const docker = createDockerClient({ DOCKER_HOST: 'unix:///tmp/other.sock' });
    const record = { name: 's1', runtime: { kind: 'local' as const, endpoint: 'tcp://10.1.2.3:2376' } };
    expect(await otherEngine(docker, record)).toMatch(/^Session "s1" runs on the Docker engine at tcp:\/\/10\.1\.2\.3:2376, but this workbench talks to unix:\/\/\/tmp\/other\.sock/);
    await expect(assertSessionEngine(docker, record)).rejects.toThrow(/point DOCKER_HOST \(or DOCKER_CONTEXT\) at tcp:\/\/10\.1\.2\.3:2376/);
    expect(await otherEngine(docker, { name: 's2', runtime: { kind: 'local', endpoint: 'unix:///tmp/other.sock' } })).toBeUndefined();
    // another address of an engine that is not the one the record names (here: none answers)
    expect(await otherEngine(docker, { name: 's4', runtime: { ...record.runtime, engineId: 'ABCD:EFGH' } })).toMatch(/runs on the Docker engine at tcp:/);
    // records from before runtimes, and clients made elsewhere, cannot be told apart: no refusal
    expect(await otherEngine(docker, { name: 's3' })).toBeUndefined();
    expect(await otherEngine(new Docker({ socketPath: '/x.sock' }), record)).toBeUndefined();
  });

  it('says the session is NOT sealed when the engine made no firewall rules for its network', async () => {
    const info = { Id: 'abcdef0123456789', Driver: 'bridge', Internal: true, Options: { 'com.docker.network.bridge.inhibit_ipv4': 'true' }, IPAM: { Config: [] } } as unknown as Docker.NetworkInspectInfo;
    const notEnforced = await checkSeal(info, { allowEgress: false, local: true, firewall: async () => false });
    expect(notEnforced).toMatchObject({ egress: 'sealed', verified: false, enforced: false });
    expect(notEnforced.notes[0]).toMatch(/^NOT SEALED: .*\(br-abcdef012345\).*--iptables=false/);
    expect(await checkSeal(info, { allowEgress: false, local: true, firewall: async () => true })).toEqual({ egress: 'sealed', verified: true, notes: [] });
    // a firewall that cannot be read here: the engine is taken at its word, as before
    expect(await checkSeal(info, { allowEgress: false, local: true, firewall: async () => undefined })).toEqual({ egress: 'sealed', verified: true, notes: [] });
    const remote = await checkSeal(info, { allowEgress: false, local: false });
    expect(remote.verified).toBe(false);
    expect(remote.notes.join(' ')).toMatch(/--iptables=false does not/);
  });
});
