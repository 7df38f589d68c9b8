/**
 * Every `repro` subcommand, in the order `repro --help` lists them: its name, its one-line
 * summary and how to load it. A command's module (and what it imports: dockerode, SQLite, the
 * schemas of its area) is loaded only when that command runs or shows its own --help, so
 * `repro --help` and `repro --version` load none of them. One line per command; the summary is
 * the module's own (test/unit/foundation/cli.test.ts checks they agree).
 */
import type { CommandEntry } from '../command';

export const commands: CommandEntry[] = [
  { name: 'capture', summary: 'make a verified (optionally signed) bundle from a running compose project or containers', load: () => import('./capture') },
  { name: 'record-traffic', summary: 'record the traffic of a running service as HAR (a recording reverse proxy) for capture and replay', load: () => import('./record-traffic') },
  { name: 'serve', summary: 'serve the workbench UI and API to a browser (loopback, token-protected)', load: () => import('./serve') },
  { name: 'up', summary: "bring a verified bundle's environment up in Docker (local containers or a swarm)", load: () => import('./up') },
  { name: 'status', summary: 'show the Docker engine and the sessions with their services, health and endpoints', load: () => import('./status') },
  { name: 'logs', summary: 'read, filter and mine the logs of a bundle, a file or a session; compare a reproduction with its incident', load: () => import('./logs') },
  { name: 'replay', summary: "send the bundle's recorded traffic to a running session and compare the answers", load: () => import('./replay') },
  { name: 'traffic', summary: 'add a HAR (DevTools, Playwright, mitmproxy, Polly...) to a bundle folder, redacted and listed', load: () => import('./traffic') },
  { name: 'down', summary: 'stop a session: remove every container, network and volume labelled with it', load: () => import('./down') },
  { name: 'gc', summary: 'remove the Docker resources of sessions whose owner process is gone', load: () => import('./gc') },
  { name: 'prune', summary: 'forget old sessions and records, and remove images only the workbench loaded and nothing uses', load: () => import('./prune') },
  { name: 'traces', summary: 'summarize the traces of a bundle, a folder or a trace file (OTLP, Jaeger, Zipkin)', load: () => import('./traces') },
  { name: 'verify', summary: 'check a bundle: manifest, file digests, image ids, signature, stray credentials', load: () => import('./verify') },
  { name: 'manifest', summary: "recompute bundle.json's files list (paths, sizes, SHA-256) from a bundle folder", load: () => import('./manifest') },
  { name: 'sign', summary: 'sign a bundle folder (DSSE, Ed25519) into attestations/bundle.dsse.json', load: () => import('./sign') },
  { name: 'pack', summary: 'pack a bundle folder into a deterministic .tgz (same input, same bytes)', load: () => import('./pack') },
  { name: 'keygen', summary: 'make an Ed25519 key pair for signing bundles (NAME.key.pem, NAME.pub.pem)', load: () => import('./keygen') },
  { name: 'keys', summary: 'list, add or remove the public keys whose bundle signatures verify trusts', load: () => import('./keys') },
  { name: 'runbook', summary: "run a bundle's runbook against a session and record every step", load: () => import('./runbook') },
  { name: 'record', summary: "show a session's record, add notes, mark the incident reproduced, see the rates", load: () => import('./record') },
  { name: 'report', summary: "write a postmortem-ready report of a session's record (Markdown or HTML)", load: () => import('./report') },
  { name: 'judge', summary: 'judge the bundle\'s canary metrics against its baseline (Kayenta-compatible) and say why', load: () => import('./judge') },
  { name: 'verdict', summary: 'did it reproduce? the verdict from all of a session\'s evidence, each piece explained', load: () => import('./verdict') },
  { name: 'gameday', summary: 'validate and run a fault scenario (repro.gameday/v1) against a session', load: () => import('./gameday') },
];
