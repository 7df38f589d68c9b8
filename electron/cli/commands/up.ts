import { resolve } from 'node:path';
import { readSecretsFile, SECRET_ENV_PREFIX } from '../../services/environments/secrets';
import { createWorkbench } from '../../services/workbench';
import { checkRegistry, parseReplicas, parseRuntimeKind } from '../../services/environments/runtime/options';
import { trustStatement } from '../../../shared/bundle/report';
import { defineCommand, UsageError } from '../command';
import { resultOrThrow, runCliOperation } from '../operation';
import { printJson } from '../output';
import { sandboxLines } from '../sandbox';

export const command = defineCommand(
  {
    name: 'up',
    summary: "bring a verified bundle's environment up in Docker (local containers or a swarm)",
    usage: ['up <bundle> [--session NAME] [--secrets FILE] [--key FILE]... [--require-signature] [--allow-egress] [--json]', 'up <bundle> --runtime swarm [--replicas SERVICE=N]... [--registry HOST:PORT] [options]', 'up <bundle> [--advertise-host ADDR] [options]'],
    description: `Verifies the bundle (nothing starts unless it verifies), checks its required secrets, loads its
images (skipped when the engine already has the image id), creates a session network, volumes
filled from snapshots and one container per service exactly as the manifest says, starts each once
what it dependsOn is healthy (independent services side by side) and waits on its healthcheck,
then reports drift (engine vs manifest). REPRO_TRACE_TIMING=1 prints where the time went.
The session lives on after this command returns; see repro status / logs / down.

The session is sealed: its containers reach each other, the fixtures stub and the session's
OTLP receiver (at agent.repro.internal), and nothing else: not other Docker networks, not the
LAN, not the internet, not this machine. Ingress ports are reachable from this machine on
127.0.0.1 only. --allow-egress opens it for bundles that need the outside (the record says so).

Secrets: the bundle names the secrets its services need (never their values). Give each value
as an environment variable REPRO_SECRET_<NAME> (e.g. REPRO_SECRET_PAYMENT_KEY=...) or as a line
NAME=value in a --secrets file (dotenv syntax); a plain NAME=value in the environment is not
read. Values go into the containers' environment only and are never stored.`,
    options: [
      { name: 'session', value: 'NAME', help: 'session name: 1-63 of a-z 0-9 _ . - (default: the incident id lower-cased,\nother characters as -, then - and 6 random hex digits: inc-2041-3f9a1c)' },
      { name: 'secrets', value: 'FILE', help: 'dotenv file of secret values (NAME=value or REPRO_SECRET_NAME=value)' },
      { name: 'key', value: 'FILE', multiple: true, help: 'trust this public key (PEM) and require a trusted signature' },
      { name: 'require-signature', help: 'refuse a bundle no trusted key signed (setting: bundles.requireSignature)' },
      { name: 'allow-egress', help: 'let the containers reach the internet, the LAN and this machine' },
      { name: 'runtime', value: 'RUNTIME', help: 'local (default): containers of the engine; swarm: swarm services of the engine,\na swarm manager (docs/runtimes.md)' },
      { name: 'replicas', value: 'SERVICE=N', multiple: true, help: 'swarm: run N tasks of a stateless service (default 1)' },
      { name: 'registry', value: 'HOST:PORT', help: 'swarm: push the images there by id and deploy them pinned by digest\n(default: the manager node\'s own image store, enough on one node)' },
      { name: 'advertise-host', value: 'ADDR', help: 'an address of this machine where the session\'s containers reach the agent\n(an engine elsewhere: one its host can route to); checked by the up' },
      { name: 'json', help: 'print {session, runtime:{kind,endpoint}, services:[{name,state,health,containerId,endpoints}],\ndrift, sandbox:{egress,verified,notes,agentPorts}, signature:{status,keyid}}' },
    ],
    exits: {
      0: 'every service is up and healthy',
      1: 'the up failed (the bundle does not verify, a secret is missing, a service did not get healthy); nothing is left behind',
      130: 'cancelled: what the up created so far is removed',
    },
  },
  async ({ values, positionals }, io) => {
    if (positionals.length !== 1) throw new UsageError('expected exactly one bundle (folder or .tar/.tar.gz/.tgz)');
    const runtime = values.runtime === undefined ? undefined : usage(() => parseRuntimeKind(values.runtime!));
    const replicas = values.replicas?.length ? usage(() => parseReplicas(values.replicas!)) : undefined;
    if ((replicas || values.registry) && runtime !== 'swarm') throw new UsageError('--replicas and --registry apply to --runtime swarm only');
    if (values.registry) usage(() => checkRegistry(values.registry!));
    const wb = createWorkbench({ host: 'cli', env: io.env });
    const secrets = values.secrets ? secretsFromFile(resolve(io.cwd, values.secrets)) : undefined;
    const end = await runCliOperation(io, wb, 'env.up', {
      path: resolve(io.cwd, positionals[0]!),
      ...(values.session ? { session: values.session } : {}),
      ...(secrets ? { secrets } : {}),
      ...(values.key?.length ? { keys: values.key.map((k) => resolve(io.cwd, k)) } : {}),
      ...(values['require-signature'] ? { requireSignature: true } : {}),
      ...(values['allow-egress'] ? { allowEgress: true } : {}),
      ...(runtime ? { runtime } : {}),
      ...(replicas ? { replicas } : {}),
      ...(values.registry ? { registry: values.registry } : {}),
      ...(values['advertise-host'] ? { advertiseHost: values['advertise-host'] } : {}),
    });
    const report = resultOrThrow(end);
    if (values.json) {
      printJson(io, report);
      return 0;
    }
    const lines = [`Session ${report.session} is up (runtime: ${report.runtime.kind} on ${report.runtime.endpoint}).`, '', ...sandboxLines(report.sandbox), `Trust: ${trustStatement(report.signature).text}`, ''];
    for (const s of report.services) {
      lines.push(`  ${s.name.padEnd(16)} ${s.state.padEnd(8)} ${s.health.padEnd(9)} ${s.endpoints.map((e) => `${e.container} -> ${e.url}`).join(', ')}`);
    }
    lines.push('');
    if (report.drift.length === 0) lines.push('Drift: none (the engine runs exactly what the bundle captured).');
    else {
      lines.push(`Drift: ${report.drift.length} difference(s):`);
      for (const d of report.drift) lines.push(`  ${d.service} ${d.field}: expected ${JSON.stringify(d.expected)}, actual ${JSON.stringify(d.actual)}`);
    }
    lines.push('', `Logs: repro logs ${report.session} --follow    Stop: repro down ${report.session}`);
    io.stdout(lines.join('\n') + '\n');
    return 0;
  },
);

/** A bad option value is a usage error (exit 2), with the service's own message. */
function usage<T>(f: () => T): T {
  try {
    return f();
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}

/** The values of a dotenv secrets file by secret name (NAME=… or REPRO_SECRET_NAME=…; a plain NAME wins). */
function secretsFromFile(file: string): Record<string, string> {
  const raw = readSecretsFile(file);
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(raw)) if (k.startsWith(SECRET_ENV_PREFIX)) out[k.slice(SECRET_ENV_PREFIX.length)] = v;
  for (const [k, v] of Object.entries(raw)) if (!k.startsWith(SECRET_ENV_PREFIX)) out[k] = v;
  return out;
}
