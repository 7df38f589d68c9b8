/** Every `repro` subcommand, in the order `repro --help` lists them. One import + one entry each. */
import type { CliCommand } from '../command';
import { command as serve } from './serve';
import { command as traces } from './traces';
import { command as verify } from './verify';

export const commands: CliCommand[] = [
  serve,
  traces,
  verify,
];
