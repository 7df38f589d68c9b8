import type Docker from 'dockerode';
import { describe, expect, it } from 'vitest';
import type { ServiceSpec } from '../../../shared/bundle/manifest';
import { containerCreateOptions, DEFAULT_PIDS_LIMIT, KEPT_CAPABILITIES, serviceEnv } from '../../../electron/services/environments/container-spec';
import { computeDrift } from '../../../electron/services/environments/drift';

const spec: ServiceSpec = {
  name: 'checkout',
  image: { ref: 'shop/checkout:2.14.0', id: `sha256:${'c'.repeat(64)}` },
  entrypoint: ['/bin/httpd'],
  command: ['-f', '-p', '8080'],
  workingDir: '/',
  env: { PRICING_URL: 'http://pricing:9000' },
  secrets: [{ name: 'PAYMENT_KEY' }],
  ports: [{ container: 8080, ingress: true }, { container: 9090 }],
  volumes: [{ target: '/data', readOnly: true }],
  resources: { memoryMb: 64, cpus: 0.5 },
};
const secrets = new Map([['PAYMENT_KEY', 's3cret']]);
const injected = { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://172.20.0.1:4318' };

function opts() {
  return containerCreateOptions({
    service: spec,
    labels: { 'repro.session': 's' },
    containerName: 'repro-s-checkout',
    networkName: 'repro-s',
    volumeNames: ['repro-s-checkout-0'],
    injectedEnv: injected,
    secrets,
  });
}

/** What the engine would report for a container created from `opts()` (and an image with defaults). */
function inspectOf(o: Docker.ContainerCreateOptions): Docker.ContainerInspectInfo {
  return {
    Image: o.Image,
    Config: { Entrypoint: o.Entrypoint, Cmd: o.Cmd, WorkingDir: o.WorkingDir, Env: ['PATH=/bin', ...(o.Env ?? [])], ExposedPorts: o.ExposedPorts },
    HostConfig: { Memory: o.HostConfig!.Memory, NanoCpus: o.HostConfig!.NanoCpus, PidsLimit: o.HostConfig!.PidsLimit },
    NetworkSettings: { Ports: { '8080/tcp': null, '9090/tcp': null } },
  } as unknown as Docker.ContainerInspectInfo;
}
const image = { Entrypoint: null, Cmd: ['/bin/sh'], WorkingDir: '', Env: ['PATH=/bin'] };

describe('containerCreateOptions', () => {
  it('uses exactly the manifest fields, pinned by image id, publishing nothing (the gate carries the ingress)', () => {
    const o = opts();
    expect(o.Image).toBe(spec.image.id);
    expect(o.Entrypoint).toEqual(['/bin/httpd']);
    expect(o.Cmd).toEqual(['-f', '-p', '8080']);
    expect(o.Env).toEqual(['PRICING_URL=http://pricing:9000', 'OTEL_EXPORTER_OTLP_ENDPOINT=http://172.20.0.1:4318', 'PAYMENT_KEY=s3cret']);
    expect(o.HostConfig).not.toHaveProperty('PortBindings');
    expect(o.ExposedPorts).toEqual({ '8080/tcp': {}, '9090/tcp': {} });
    expect(o.HostConfig!.Memory).toBe(64 * 1024 * 1024);
    expect(o.HostConfig!.NanoCpus).toBe(500_000_000);
    expect(o.HostConfig!.Mounts).toEqual([{ Type: 'volume', Source: 'repro-s-checkout-0', Target: '/data', ReadOnly: true }]);
    expect(o.NetworkingConfig!.EndpointsConfig!['repro-s']!.Aliases).toEqual(['checkout']);
    // nothing that reaches the host
    expect(o.HostConfig).not.toHaveProperty('Privileged');
    expect(o.HostConfig).not.toHaveProperty('Binds');
    expect(o.HostConfig).not.toHaveProperty('ExtraHosts');
  });

  it('hardens every service: all capabilities dropped but a documented few, no-new-privileges, a pids limit', () => {
    const o = opts();
    expect(o.HostConfig!.CapDrop).toEqual(['ALL']);
    expect(o.HostConfig!.CapAdd).toEqual(KEPT_CAPABILITIES);
    // only from Docker's default set, and never the ones that reach past the container
    const dockerDefault = ['CHOWN', 'DAC_OVERRIDE', 'FSETID', 'FOWNER', 'MKNOD', 'NET_RAW', 'SETGID', 'SETUID', 'SETFCAP', 'SETPCAP', 'NET_BIND_SERVICE', 'SYS_CHROOT', 'KILL', 'AUDIT_WRITE'];
    for (const cap of KEPT_CAPABILITIES) expect(dockerDefault).toContain(cap);
    expect(KEPT_CAPABILITIES).not.toContain('NET_RAW');
    expect(KEPT_CAPABILITIES).not.toContain('MKNOD');
    expect(o.HostConfig!.SecurityOpt).toEqual(['no-new-privileges:true']);
    expect(o.HostConfig!.PidsLimit).toBe(DEFAULT_PIDS_LIMIT);
    const limited = containerCreateOptions({ service: { ...spec, resources: { pids: 64 } }, labels: {}, containerName: 'x', networkName: 'n', volumeNames: ['v'], injectedEnv: {}, secrets });
    expect(limited.HostConfig!.PidsLimit).toBe(64);
  });
});

describe('computeDrift', () => {
  const env = serviceEnv(spec, injected, secrets);
  const names = new Set(['PAYMENT_KEY']);

  it('is empty when the engine runs what was asked', () => {
    expect(computeDrift(spec, env, names, inspectOf(opts()), image)).toEqual([]);
  });

  it('lists each difference, never showing secret values', () => {
    const info = inspectOf(opts());
    info.Image = `sha256:${'d'.repeat(64)}`;
    info.Config.Cmd = ['-p', '9999'];
    info.Config.Env = info.Config.Env.map((e) => (e.startsWith('PAYMENT_KEY=') ? 'PAYMENT_KEY=other' : e)).filter((e) => !e.startsWith('PRICING_URL'));
    info.HostConfig.Memory = 0;
    info.NetworkSettings.Ports = { '8080/tcp': [{ HostIp: '0.0.0.0', HostPort: '8080' }] };
    info.HostConfig.PidsLimit = 0;
    const drift = computeDrift(spec, env, names, info, image);
    expect(drift).toEqual([
      { service: 'checkout', field: 'image.id', expected: spec.image.id, actual: `sha256:${'d'.repeat(64)}` },
      { service: 'checkout', field: 'command', expected: ['-f', '-p', '8080'], actual: ['-p', '9999'] },
      { service: 'checkout', field: 'env.PRICING_URL', expected: 'http://pricing:9000', actual: null },
      { service: 'checkout', field: 'env.PAYMENT_KEY', expected: '<secret>', actual: '<secret>' },
      { service: 'checkout', field: 'resources.memoryBytes', expected: 67108864, actual: 0 },
      { service: 'checkout', field: 'resources.pids', expected: DEFAULT_PIDS_LIMIT, actual: 0 },
      { service: 'checkout', field: 'ports.published', expected: [], actual: ['8080/tcp@0.0.0.0'] },
    ]);
    expect(JSON.stringify(drift)).not.toContain('s3cret');
  });

  it("takes the image's defaults where the manifest leaves a field out", () => {
    const bare: ServiceSpec = { name: 'web', image: spec.image };
    const info = {
      Image: spec.image.id,
      Config: { Entrypoint: null, Cmd: ['/bin/sh'], WorkingDir: '', Env: ['PATH=/bin'], ExposedPorts: {} },
      HostConfig: { Memory: 0, NanoCpus: 0, PidsLimit: DEFAULT_PIDS_LIMIT },
      NetworkSettings: { Ports: {} },
    } as unknown as Docker.ContainerInspectInfo;
    expect(computeDrift(bare, {}, new Set(), info, image)).toEqual([]);
  });
});
