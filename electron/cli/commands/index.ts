/** Every `repro` subcommand, in the order `repro --help` lists them. One import + one entry each. */
import type { CliCommand } from '../command';
import { command as replay } from './replay';
import { command as serve } from './serve';
import { command as down } from './down';
import { command as gc } from './gc';
import { command as logs } from './logs';
import { command as status } from './status';
import { command as up } from './up';
import { command as traces } from './traces';
import { command as verify } from './verify';
import { command as keygen } from './keygen';
import { command as keys } from './keys';
import { command as sign } from './sign';
import { command as manifest } from './manifest';
import { command as pack } from './pack';
import { command as runbook } from './runbook';
import { command as report } from './report';
import { command as record } from './record';
import { command as judge } from './judge';
import { command as capture } from './capture';
import { command as recordTraffic } from './record-traffic';
import { command as traffic } from './traffic';
import { command as verdict } from './verdict';

export const commands: CliCommand[] = [
  capture,
  recordTraffic,
  serve,
  up,
  status,
  logs,
  replay,
  traffic,
  down,
  gc,
  traces,
  verify,
  manifest,
  sign,
  pack,
  keygen,
  keys,
  runbook,
  record,
  report,
  judge,
  verdict,
];
