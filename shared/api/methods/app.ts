import { z } from '../../zod';
import { method } from '../define';

export interface EngineStatus {
  reachable: boolean;
  /** Docker engine version when reachable. */
  version?: string;
  apiVersion?: string;
  /** Where the client connects (socket path or URL from DOCKER_HOST). */
  endpoint: string;
  /** Why it is not reachable, in one sentence. */
  error?: string;
  /** How to fix it, in one sentence. */
  hint?: string;
}

export interface AppInfo {
  name: string;
  version: string;
  host: 'desktop' | 'web';
  platform: string;
  /** Path of the sample incident shipped with the app, when present. */
  samplePath?: string;
}

export const appMethods = {
  'app.info': method(z.object({}).strict()).returns<AppInfo>(),
  'app.engineStatus': method(z.object({}).strict()).returns<EngineStatus>(),
};
