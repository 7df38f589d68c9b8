/**
 * The session plugin that puts game-day faults into a session's agent: the fault proxy on the
 * routes `up` planned (record.faultProxy), the control endpoint runners talk to, and the board
 * the fixtures stub reads for external faults.
 *
 * In the sealed sandbox the agent cannot reach the session network: a route's connections go
 * back through the session's gate, whose forward of the dependency's port (published on this
 * machine's loopback) connects to it by name. The engine's DNS then finds a killed and restarted
 * container at its new address, and a stopped or disconnected one fails as it would directly.
 */
import { join } from 'node:path';
import { gateAddress } from '../environments/sandbox';
import { SessionStore } from '../environments/state-store';
import type { SessionPlugin, SessionPluginContext } from '../environments/session-plugin';
import { startControlServer } from './agent-control';
import { FaultBoard } from './fault-board';
import { FaultProxy, type ProxyRoute, type Upstream } from './fault-proxy';
import { FAULT_PROXY_PLUGIN, type FaultProxyPlan } from './proxy-plan';

/** The gate's forward of a route's service port (the gate may still be starting when the agent is). */
function resolveUpstream(ctx: Pick<SessionPluginContext, 'session' | 'sessionDir'>, route: ProxyRoute): Promise<Upstream> {
  const record = new SessionStore(join(ctx.sessionDir, '..')).read(ctx.session);
  const addr = gateAddress(record?.sandbox, route.service, route.port);
  if (!addr) return Promise.reject(new Error(`the session gate does not forward ${route.service}:${route.port} (yet)`));
  return Promise.resolve(addr);
}

export const faultsPlugin: SessionPlugin = {
  name: FAULT_PROXY_PLUGIN,
  async start(ctx) {
    const board = ctx.faults as FaultBoard | undefined;
    if (!board) throw new Error('the agent gave the faults plugin no fault board');
    const record = new SessionStore(join(ctx.sessionDir, '..')).read(ctx.session);
    const plan = (record as { faultProxy?: FaultProxyPlan } | undefined)?.faultProxy;
    const routes: ProxyRoute[] = (plan?.enabled ? plan.routes : []).map((r) => ({ service: r.service, port: r.port, listen: r.agentPort }));
    const proxy = new FaultProxy({
      bindHost: plan?.bindHost ?? ctx.bindHost,
      routes,
      resolve: (route) => resolveUpstream(ctx, route),
      log: ctx.log,
    });
    const failed = (await proxy.start()).map((f) => ({ service: f.route.service, port: f.route.port, error: f.error }));
    for (const f of failed) ctx.log(`fault proxy cannot listen for ${f.service}:${f.port}: ${f.error}`);
    board.attachProxy(proxy);
    const control = await startControlServer({ sessionDir: ctx.sessionDir, board, status: () => ({ routes: proxy.stats().routes, failedRoutes: failed }), log: ctx.log });
    if (routes.length) ctx.log(`fault proxy on ${proxy.stats().routes.map((r) => `${r.service}:${r.port} at ${r.listening}`).join(', ')}`);
    return {
      async stop() {
        await control.close();
        await proxy.close();
      },
    };
  },
};
