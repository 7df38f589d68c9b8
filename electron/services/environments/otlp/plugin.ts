import { join } from 'node:path';
import type { SessionPlugin } from '../session-plugin';

/**
 * The OTLP receiver as a session plugin: containers get OTEL_* pointing at it. The receiver and
 * its codecs (protobufjs) load in start(), where the session agent runs it, so the up that only
 * plans the session never loads them.
 */
export const otlpReceiverPlugin: SessionPlugin = {
  name: 'otlp-receiver',
  reservePort: true,
  envFor(plan) {
    return {
      OTEL_EXPORTER_OTLP_ENDPOINT: `http://${plan.advertisedHost}:${plan.reservedPort}`,
      // values are percent-encoded as the OTel spec asks (W3C baggage octets)
      OTEL_RESOURCE_ATTRIBUTES: `repro.session=${encodeURIComponent(plan.session)},repro.bundle=${encodeURIComponent(plan.bundleId)}`,
    };
  },
  async start(ctx) {
    const [{ startOtlpReceiver, tracesSignal }, { logsSignal, metricsSignal }] = await Promise.all([import('./receiver'), import('./logs-metrics')]);
    const receiver = await startOtlpReceiver({
      host: ctx.bindHost,
      ...(ctx.reservedPort ? { port: ctx.reservedPort } : {}),
      // Traces for `repro traces <session>`; logs where `repro logs <session>` reads them; metrics kept for the Metrics pane.
      signals: [tracesSignal(join(ctx.sessionDir, 'otlp')), logsSignal(join(ctx.sessionDir, 'otlp-logs')), metricsSignal(join(ctx.sessionDir, 'otlp-metrics'))],
      onStored: (signal, n, file) => ctx.log(`otlp: ${n} ${signal.records} -> ${file}`),
    });
    return {
      endpoints: { otlp: `http://${ctx.advertisedHost}:${receiver.port}`, otlpHost: `http://${ctx.bindHost}:${receiver.port}` },
      stop: () => receiver.close(),
    };
  },
};
