import { createHash } from 'node:crypto';

/**
 * Every container, network and volume a session creates carries these labels, so `down` and
 * `gc` can find all of them from the engine alone, even when the state folder is gone.
 */
export const LABEL_SESSION = 'repro.session';
export const LABEL_BUNDLE = 'repro.bundle';
export const LABEL_SERVICE = 'repro.service';
/**
 * Which state folder created the resource (hash of its path). Two workbench homes on one engine
 * (tests use temp homes) must not garbage-collect each other's live sessions.
 */
export const LABEL_HOME = 'repro.home';
/** The state folder path itself, so gc can tell a home that no longer exists (deleted temp dir). */
export const LABEL_HOME_PATH = 'repro.home.path';
/** What a container or network of ours (not a bundle service) is: gate, edge, fixtures-forwarder, probe (docs/state.md lists them). */
export const LABEL_ROLE = 'repro.role';

export function homeTag(stateDir: string): string {
  return createHash('sha256').update(stateDir).digest('hex').slice(0, 16);
}

export interface SessionLabelInput {
  session: string;
  bundleId: string;
  stateDir: string;
}

/** Labels for a session-wide resource (network, volume); service resources add repro.service. */
export function sessionLabels(input: SessionLabelInput, service = ''): Record<string, string> {
  return {
    [LABEL_SESSION]: input.session,
    [LABEL_BUNDLE]: input.bundleId,
    [LABEL_SERVICE]: service,
    [LABEL_HOME]: homeTag(input.stateDir),
    [LABEL_HOME_PATH]: input.stateDir,
  };
}

/** dockerode list filter selecting one session's resources of this home. */
export function sessionFilter(session: string, stateDir: string): { label: string[] } {
  return { label: [`${LABEL_SESSION}=${session}`, `${LABEL_HOME}=${homeTag(stateDir)}`] };
}
