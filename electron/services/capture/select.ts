/**
 * What can be captured, and what the user picked: compose projects by their
 * `com.docker.compose.project` label (compose v1 and v2 both set it), or containers by name or
 * id. Only running containers can be captured (a stopped one has no live state to snapshot and
 * may be what the incident left behind); anything else is a clear error naming it.
 */
import type Docker from 'dockerode';
import { WorkbenchError } from '../../../shared/api/errors';
import { LABEL_SESSION } from '../environments/labels';
import type { CaptureSelection, CaptureSources, CaptureSourceContainer } from '../../../shared/capture/report';

export const COMPOSE_PROJECT = 'com.docker.compose.project';
export const COMPOSE_SERVICE = 'com.docker.compose.service';
export const COMPOSE_ONEOFF = 'com.docker.compose.oneoff';
export const COMPOSE_NUMBER = 'com.docker.compose.container-number';
export const COMPOSE_DEPENDS_ON = 'com.docker.compose.depends_on';

const nameOf = (c: { Names?: string[]; Id: string }) => (c.Names?.[0] ?? c.Id.slice(0, 12)).replace(/^\//, '');

export async function listCaptureSources(docker: Docker, signal?: AbortSignal): Promise<CaptureSources> {
  const all = await docker.listContainers({ all: true, ...(signal ? { abortSignal: signal } : {}) });
  const projects = new Map<string, CaptureSources['projects'][number]>();
  const containers: CaptureSourceContainer[] = [];
  for (const c of all) {
    const labels = c.Labels ?? {};
    // The workbench's own session containers are reproductions, not sources.
    if (labels[LABEL_SESSION] !== undefined) continue;
    if (labels[COMPOSE_ONEOFF] === 'True') continue;
    const image = c.Image.startsWith('sha256:') ? c.Image.slice(7, 19) : c.Image; // an untagged image is shown by its short id
    const item: CaptureSourceContainer = { id: c.Id, name: nameOf(c), image, state: c.State };
    const project = labels[COMPOSE_PROJECT];
    if (project) {
      item.project = project;
      if (labels[COMPOSE_SERVICE]) item.service = labels[COMPOSE_SERVICE];
      const p = projects.get(project) ?? { name: project, services: [], containers: [], running: false };
      p.containers.push(item);
      if (item.service && !p.services.includes(item.service)) p.services.push(item.service);
      p.running ||= c.State === 'running';
      projects.set(project, p);
    } else if (c.State === 'running') {
      containers.push(item);
    }
  }
  const byName = (a: { name: string }, b: { name: string }) => a.name.localeCompare(b.name);
  for (const p of projects.values()) {
    p.services.sort();
    p.containers.sort(byName);
  }
  return { projects: [...projects.values()].filter((p) => p.running).sort(byName), containers: containers.sort(byName) };
}

function notRunning(info: Docker.ContainerInspectInfo, where: string): WorkbenchError {
  const name = info.Name.replace(/^\//, '');
  const state = info.State.Status + (info.State.Status === 'exited' ? ` (exit code ${info.State.ExitCode})` : '');
  return new WorkbenchError('invalid_argument', `Container ${name}${where} is ${state}, not running: capture needs the live container (start it, or leave it out of the selection)`, {
    container: name,
    state: info.State.Status,
  });
}

/** The containers of the selection, inspected; running ones only, else an error naming the others. */
export async function resolveSelection(docker: Docker, selection: CaptureSelection, signal?: AbortSignal): Promise<Docker.ContainerInspectInfo[]> {
  const abort = signal ? { abortSignal: signal } : {};
  if ('project' in selection) {
    const list = await docker.listContainers({ all: true, filters: { label: [`${COMPOSE_PROJECT}=${selection.project}`] }, ...abort });
    const members = list.filter((c) => c.Labels?.[COMPOSE_ONEOFF] !== 'True');
    if (members.length === 0) {
      const sources = await listCaptureSources(docker, signal);
      const known = sources.projects.map((p) => p.name);
      throw new WorkbenchError(
        'not_found',
        `No compose project named "${selection.project}": no container carries the label ${COMPOSE_PROJECT}=${selection.project} (running projects: ${known.join(', ') || 'none'})`,
        { project: selection.project, known },
      );
    }
    const infos = await Promise.all(members.map((c) => docker.getContainer(c.Id).inspect(abort)));
    const stopped = infos.find((i) => !i.State.Running || i.State.Paused);
    if (stopped) throw notRunning(stopped, ` (service ${stopped.Config.Labels?.[COMPOSE_SERVICE] ?? '?'} of project ${selection.project})`);
    return infos.sort((a, b) => a.Name.localeCompare(b.Name));
  }
  if (selection.containers.length === 0) throw new WorkbenchError('invalid_argument', 'No containers given: name at least one container (name or id)');
  const infos: Docker.ContainerInspectInfo[] = [];
  for (const ref of selection.containers) {
    let info: Docker.ContainerInspectInfo;
    try {
      info = await docker.getContainer(ref).inspect(abort);
    } catch (err) {
      if ((err as { statusCode?: number }).statusCode === 404) throw new WorkbenchError('not_found', `No container named or with id "${ref}" on the engine`, { container: ref });
      throw err;
    }
    if (!info.State.Running || info.State.Paused) throw notRunning(info, '');
    if (!infos.some((i) => i.Id === info.Id)) infos.push(info);
  }
  return infos;
}
