/**
 * The session plugin that puts game-day faults into a session's agent: the fault proxy on the
 * routes `up` planned (record.faultProxy), the control endpoint runners talk to, and the board
 * the fixtures stub reads for external faults.
 *
 * The proxy finds a dependency at its current address (a killed and restarted container may get
 * another one): looked up from the engine on first use and again whenever the engine reports a
 * container or network change of the session, or a connect fails.
 */
import type Docker from 'dockerode';
import { join } from 'node:path';
import { SessionStore } from '../environments/state-store';
import type { SessionPlugin, SessionPluginContext } from '../environments/session-plugin';
import { startControlServer } from './agent-control';
import { FaultBoard } from './fault-board';
import { FaultProxy, type ProxyRoute, type Upstream } from './fault-proxy';
import type { FaultProxyPlan } from './proxy-plan';

function containerName(session: string, service: string): string {
  return `repro-${session}-${service}`;
}

async function resolveUpstream(docker: Docker, ctx: Pick<SessionPluginContext, 'session' | 'networkName'>, plan: FaultProxyPlan, route: ProxyRoute): Promise<Upstream> {
  const info = await docker.getContainer(containerName(ctx.session, route.service)).inspect();
  // A paused container still has its address (connections to it hang, as they would directly).
  if (!info.State.Running) throw new Error(`${route.service} is not running`);
  if (plan.upstream === 'published') {
    const b = (info.NetworkSettings?.Ports?.[`${route.port}/tcp`] ?? [])?.find((x: { HostIp: string }) => x.HostIp === '127.0.0.1');
    if (!b) throw new Error(`${route.service}:${route.port} is not published on loopback`);
    return { host: '127.0.0.1', port: Number(b.HostPort) };
  }
  const ip = info.NetworkSettings?.Networks?.[ctx.networkName]?.IPAddress;
  if (!ip) throw new Error(`${route.service} has no address on ${ctx.networkName} (disconnected?)`);
  return { host: ip, port: route.port };
}

/** Invalidate cached addresses whenever the engine reports a change to the session's containers or network. */
async function watchEngine(docker: Docker, ctx: SessionPluginContext, proxy: FaultProxy): Promise<() => void> {
  const stream = (await docker.getEvents({
    filters: { type: ['container', 'network'], label: [`repro.session=${ctx.session}`] },
  })) as NodeJS.ReadableStream & { destroy?: () => void };
  stream.on('data', (chunk: Buffer) => {
    for (const line of chunk.toString('utf8').split('\n')) {
      if (!line.trim()) continue;
      try {
        const ev = JSON.parse(line) as { Type?: string; Action?: string; Actor?: { Attributes?: Record<string, string> } };
        const service = ev.Actor?.Attributes?.['repro.service'];
        if (ev.Type === 'container' && service) proxy.invalidate(service);
        // network connect/disconnect events name the container, not its service: forget all
        else if (ev.Type === 'network') for (const r of proxy.stats().routes) proxy.invalidate(r.service);
      } catch {
        // a partial line: the next lookup failure corrects any stale address anyway
      }
    }
  });
  stream.on('error', (err: Error) => ctx.log(`engine events: ${err.message}`));
  return () => stream.destroy?.();
}

export const faultsPlugin: SessionPlugin = {
  name: 'faults',
  async start(ctx) {
    const board = ctx.faults as FaultBoard | undefined;
    if (!board) throw new Error('the agent gave the faults plugin no fault board');
    const record = new SessionStore(join(ctx.sessionDir, '..')).read(ctx.session);
    const plan = (record as { faultProxy?: FaultProxyPlan } | undefined)?.faultProxy;
    const routes = plan?.enabled ? plan.routes : [];
    const proxy = new FaultProxy({
      bindHost: plan?.bindHost ?? ctx.bindHost,
      routes,
      resolve: (route) => resolveUpstream(ctx.docker, ctx, plan!, route),
      log: ctx.log,
    });
    const failed = (await proxy.start()).map((f) => ({ ...f.route, error: f.error }));
    for (const f of failed) ctx.log(`fault proxy cannot listen for ${f.service}:${f.port}: ${f.error}`);
    board.attachProxy(proxy);
    const stopWatching = routes.length ? await watchEngine(ctx.docker, ctx, proxy).catch((err: Error) => (ctx.log(`no engine events: ${err.message}`), () => {})) : () => {};
    const control = await startControlServer({ sessionDir: ctx.sessionDir, board, status: () => ({ routes: proxy.stats().routes, failedRoutes: failed }), log: ctx.log });
    if (routes.length) ctx.log(`fault proxy on ${proxy.stats().routes.map((r) => `${r.service}:${r.listening}`).join(', ')}`);
    return {
      async stop() {
        stopWatching();
        await control.close();
        await proxy.close();
      },
    };
  },
};
