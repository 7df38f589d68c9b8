/**
 * The `repro.gameday/v1` scenario, as a strict zod schema: a steady-state hypothesis (probes),
 * optional background load, a method (faults on a timeline) and stop conditions.
 * Normative description: docs/gamedays.md; JSON Schema: docs/gameday.schema.json (generated from
 * this file by scripts/gen-gameday-schema.ts and checked equal by a unit test).
 *
 * Cross-field rules JSON Schema cannot express (unique ids, references, overlapping faults on
 * one target, the time limit) are checked in ./validate.ts.
 */
import { z } from '../zod';
import { BUNDLE_PATH_PATTERN, BUNDLE_PATH_RULE } from '../bundle/paths';
import { serviceNameSchema } from '../bundle/manifest';

export const GAMEDAY_SCHEMA_ID = 'repro.gameday/v1';

/** "250ms", "2s", "1.5s", "1m": a duration in a scenario. */
export const DURATION_PATTERN = '^(0|[0-9]+(\\.[0-9]+)?(ms|s|m))$';
const durationSchema = z
  .string({ error: (iss) => (iss.input === undefined ? undefined : 'expected a duration with a unit, such as 500ms, 2s or 1m') })
  .regex(new RegExp(DURATION_PATTERN), { message: 'expected a duration such as 500ms, 2s, 1.5s or 1m' });

/** Milliseconds of a duration that matched DURATION_PATTERN. */
export function durationMs(text: string): number {
  const m = /^([0-9]+(?:\.[0-9]+)?)(ms|s|m)?$/.exec(text);
  if (!m) throw new Error(`not a duration: ${text}`);
  const n = Number(m[1]);
  return Math.round(m[2] === 'm' ? n * 60_000 : m[2] === 's' ? n * 1000 : n);
}

export const NAME_PATTERN = '^[a-z0-9][a-z0-9_.-]{0,62}$';
const nameSchema = z.string().regex(new RegExp(NAME_PATTERN), { message: 'expected a name of 1-63 characters a-z 0-9 _ . - starting with a letter or digit' });
const hostSchema = z
  .string()
  .max(253)
  .regex(/^(?=.{1,253}$)[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/, { message: 'expected a host name such as payments.example.com' });
const toxicity = z.number().gt(0).max(1).optional().describe('share of connections (external faults: of requests) affected, 0 < t <= 1; default 1');
const ms = z.int().min(0).max(600_000);

// ---- the method: faults ------------------------------------------------------------------------

/** Which part of the workbench applies a fault, and what "target" names. */
export const FAULT_CATALOG = {
  kill: { group: 'container', conflict: 'state', summary: 'send a signal to the main process (default SIGKILL); revert: start it again' },
  stop: { group: 'container', conflict: 'state', summary: 'stop the container; revert: start it again' },
  restart: { group: 'container', conflict: 'state', summary: 'restart the container (one-shot); revert: make sure it runs' },
  pause: { group: 'container', conflict: 'state', summary: 'freeze every process (cgroup freezer); revert: unpause' },
  cpu: { group: 'container', conflict: 'cpu', summary: 'limit CPUs (live update); revert: the previous limit' },
  memory: { group: 'container', conflict: 'memory', summary: 'limit memory (live update); revert: the previous limit' },
  partition: { group: 'network', conflict: 'state', summary: 'disconnect from the session network; revert: reconnect with the same aliases' },
  latency: { group: 'network', conflict: 'proxy', summary: "delay the target's answers to the session's other services" },
  bandwidth: { group: 'network', conflict: 'proxy', summary: "limit the rate of the target's answers to the session's other services" },
  reset: { group: 'network', conflict: 'proxy', summary: 'reset connections to the target (new and open ones)' },
  timeout: { group: 'network', conflict: 'proxy', summary: 'connections to the target hang until the fault ends' },
  loss: { group: 'packet', conflict: 'packet', summary: "drop packets on the target's interface (needs sch_netem)" },
  duplicate: { group: 'packet', conflict: 'packet', summary: "duplicate packets on the target's interface (needs sch_netem)" },
  corrupt: { group: 'packet', conflict: 'packet', summary: "corrupt packets on the target's interface (needs sch_netem)" },
  'http-error': { group: 'external', conflict: 'external', summary: "the fixtures stub answers a fixture host's requests with an HTTP error" },
  delay: { group: 'external', conflict: 'external', summary: "the fixtures stub delays a fixture host's answers" },
} as const;
export type FaultKind = keyof typeof FAULT_CATALOG;
export type FaultGroup = (typeof FAULT_CATALOG)[FaultKind]['group'];
export const FAULT_KINDS = Object.keys(FAULT_CATALOG) as FaultKind[];

export const KILL_SIGNALS = ['SIGKILL', 'SIGTERM', 'SIGINT', 'SIGHUP', 'SIGQUIT', 'SIGUSR1', 'SIGUSR2'] as const;

const stepBase = {
  id: nameSchema.describe('unique within the scenario; names the fault in the journal'),
  at: durationSchema.describe('when the fault is applied, from the start of the method'),
  duration: durationSchema.describe('how long the fault stays; it is reverted when this ends'),
  description: z.string().max(2000).optional(),
};
const serviceTarget = serviceNameSchema.describe('a service of the session');
const hostTarget = hostSchema.describe('a fixture host of the bundle (fixtures/*.har), e.g. payments.example.com');
const percent = z.number().gt(0).max(100);

const step = <K extends FaultKind, P extends z.ZodType>(fault: K, target: z.ZodType<string>, params: P, opts: { durationOptional?: boolean } = {}) =>
  z.strictObject({
    ...stepBase,
    ...(opts.durationOptional ? { duration: stepBase.duration.optional() } : {}),
    fault: z.literal(fault),
    target,
    params,
  });

export const stepSchema = z.discriminatedUnion('fault', [
  step('kill', serviceTarget, z.strictObject({ signal: z.enum(KILL_SIGNALS).optional() }).optional()),
  step('stop', serviceTarget, z.strictObject({ timeoutS: z.int().min(0).max(300).optional() }).optional()),
  step('restart', serviceTarget, z.strictObject({ timeoutS: z.int().min(0).max(300).optional() }).optional(), { durationOptional: true }),
  step('pause', serviceTarget, z.strictObject({}).optional()),
  step('cpu', serviceTarget, z.strictObject({ cpus: z.number().min(0.01).max(1024) })),
  step('memory', serviceTarget, z.strictObject({ memoryMb: z.int().min(6).max(1_048_576) })),
  step('partition', serviceTarget, z.strictObject({}).optional()),
  step('latency', serviceTarget, z.strictObject({ latencyMs: ms, jitterMs: ms.optional(), toxicity })),
  step('bandwidth', serviceTarget, z.strictObject({ kbPerS: z.number().gt(0).max(10_000_000), toxicity })),
  step('reset', serviceTarget, z.strictObject({ toxicity }).optional()),
  step('timeout', serviceTarget, z.strictObject({ toxicity }).optional()),
  step('loss', serviceTarget, z.strictObject({ percent })),
  step('duplicate', serviceTarget, z.strictObject({ percent })),
  step('corrupt', serviceTarget, z.strictObject({ percent })),
  step('http-error', hostTarget, z.strictObject({ status: z.int().min(400).max(599).optional(), toxicity }).optional()),
  step('delay', hostTarget, z.strictObject({ delayMs: ms, jitterMs: ms.optional(), toxicity })),
]);

// ---- the hypothesis: probes ----------------------------------------------------------------------

const headerName = z.string().regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/, { message: 'expected an HTTP header name' });

export const probeSchema = z.strictObject({
  name: nameSchema,
  http: z.strictObject({
    service: serviceTarget,
    method: z.enum(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']).optional().describe('default GET'),
    path: z.string().max(8192).regex(/^\/[^\s]*$/, { message: "expected a request path starting with '/' (no spaces)" }),
    /** Container port; default the service's ingress port. */
    port: z.int().min(1).max(65535).optional(),
    headers: z.record(headerName, z.string().max(8192)).optional(),
    body: z.string().max(1_048_576).optional(),
  }),
  expect: z
    .strictObject({
      status: z.union([z.int().min(100).max(599), z.array(z.int().min(100).max(599)).min(1)]).optional().describe('default: any 2xx'),
      maxLatencyMs: z.int().min(1).max(600_000).optional(),
      /** JSONPath -> the value it must have (every match). */
      json: z.record(z.string().regex(/^\$/, { message: "expected a JSONPath starting with '$'" }), z.union([z.string(), z.number(), z.boolean(), z.null()])).optional(),
      bodyContains: z.string().min(1).max(8192).optional(),
    })
    .optional(),
  everyMs: z.int().min(50).max(600_000).optional().describe('sampling interval while the method runs; default 500'),
  timeoutMs: z.int().min(1).max(600_000).optional().describe('one probe request gives up after this; default 5000 or maxLatencyMs x 2'),
});

export const hypothesisSchema = z.strictObject({
  probes: z.array(probeSchema).min(1),
  /** After the method, how long the steady state has to come back. */
  recoveryS: z.int().min(0).max(3600).optional().describe('default 30'),
});

export const loadSchema = z.strictObject({
  traffic: z.string().regex(new RegExp(BUNDLE_PATH_PATTERN), { message: `expected ${BUNDLE_PATH_RULE}` }).regex(/\.har$/, { message: 'expected a .har file of the bundle' }),
  ratePerS: z.number().gt(0).max(1000),
  concurrency: z.int().min(1).max(256).optional().describe('most requests in flight; default 16'),
});

export const stopConditionSchema = z.union([
  z.strictObject({ probe: nameSchema, failuresInARow: z.int().min(1).max(100_000) }),
  z.strictObject({ loadErrorRate: z.number().gt(0).max(1), windowS: z.int().min(1).max(600).optional().describe('default 5') }),
]);

export const scenarioSchema = z.strictObject({
  schema: z.literal(GAMEDAY_SCHEMA_ID),
  title: z.string().min(1).max(500),
  description: z.string().max(20_000).optional(),
  hypothesis: hypothesisSchema,
  load: loadSchema.optional(),
  steps: z.array(stepSchema).min(1).max(500),
  stopConditions: z.array(stopConditionSchema).max(100).optional(),
  limits: z.strictObject({ maxDurationS: z.int().min(1).max(86_400) }).optional(),
});

export type Scenario = z.infer<typeof scenarioSchema>;
export type ScenarioStep = z.infer<typeof stepSchema>;
export type Probe = z.infer<typeof probeSchema>;
export type LoadSpec = z.infer<typeof loadSchema>;
export type StopCondition = z.infer<typeof stopConditionSchema>;

export const SCENARIO_DEFAULTS = {
  probeEveryMs: 500,
  probeTimeoutMs: 5000,
  recoveryS: 30,
  loadConcurrency: 16,
  stopWindowS: 5,
  maxDurationS: 600,
  killSignal: 'SIGKILL',
  stopTimeoutS: 10,
  httpErrorStatus: 503,
} as const;

/** A probe request's time limit: explicit, else twice its latency bound, else the default. */
export function probeTimeoutMs(p: Probe): number {
  return p.timeoutMs ?? (p.expect?.maxLatencyMs ? Math.max(1000, p.expect.maxLatencyMs * 2) : SCENARIO_DEFAULTS.probeTimeoutMs);
}
