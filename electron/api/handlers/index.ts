/**
 * Every method of the contract has exactly one handler; the type below makes a missing one a
 * compile error. Areas add their map here with one line.
 */
import type { MethodName } from '../../../shared/api/contract';
import { appHandlers } from './app';
import { bundleHandlers } from './bundle';
import { runbookHandlers } from './runbook';
import { recordHandlers } from './record';
import { tracesHandlers } from './traces';
import { canaryHandlers } from './canary';
import { environmentHandlers } from './environment';
import { replayHandlers } from './replay';
import { captureHandlers } from './capture';
import { trafficHandlers } from './traffic';
import { logsHandlers } from './logs';
import { verdictHandlers } from './verdict';
import { opHandlers } from './op';
import type { HandlerMap } from './types';

export const handlers: HandlerMap<MethodName> = {
  ...appHandlers,
  ...bundleHandlers,
  ...runbookHandlers,
  ...recordHandlers,
  ...tracesHandlers,
  ...canaryHandlers,
  ...environmentHandlers,
  ...replayHandlers,
  ...captureHandlers,
  ...trafficHandlers,
  ...logsHandlers,
  ...verdictHandlers,
  ...opHandlers,
};
