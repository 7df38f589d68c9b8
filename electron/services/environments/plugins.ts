import type { SessionPlugin } from './session-plugin';
import { otlpReceiverPlugin } from './otlp/plugin';
import { fixturesStubPlugin } from '../replay/fixtures-stub';
import { faultsPlugin } from '../gameday/agent-plugin';

/**
 * The plugins every session agent runs. Other areas add theirs here (one import + one entry),
 * e.g. the replay area's fixtures stub.
 */
export const sessionPlugins: SessionPlugin[] = [otlpReceiverPlugin, fixturesStubPlugin, faultsPlugin];
