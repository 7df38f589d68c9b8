/**
 * Packet-level faults (loss, duplicate, corrupt) need the kernel's netem queueing discipline in
 * the target's network namespace. That needs: an engine on this machine's own kernel (not a VM
 * such as Docker Desktop's), root here (nsenter + tc), the tc and nsenter programs, and a kernel
 * with sch_netem built in or as a module. Detected, never assumed; when any part is missing the
 * fault is refused before the run with the reason.
 *
 * Our development and CI machines' kernels lack sch_netem, so applying these faults is not
 * exercised by the test suite (only the detection and the commands are).
 */
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { release } from 'node:os';
import { promisify } from 'node:util';
import type Docker from 'dockerode';

const run = promisify(execFile);

export interface NetemSupport {
  available: boolean;
  reason: string;
}

const TC = ['/usr/sbin/tc', '/sbin/tc', '/usr/bin/tc'];
const NSENTER = ['/usr/bin/nsenter', '/usr/sbin/nsenter', '/bin/nsenter'];

function kernelHasNetem(rel: string): boolean {
  if (existsSync('/sys/module/sch_netem')) return true;
  try {
    if (readFileSync(`/lib/modules/${rel}/modules.builtin`, 'utf8').includes('sch_netem')) return true;
  } catch {
    // no module tree for this kernel
  }
  return ['sch_netem.ko', 'sch_netem.ko.xz', 'sch_netem.ko.zst', 'sch_netem.ko.gz'].some((f) => existsSync(`/lib/modules/${rel}/kernel/net/sched/${f}`));
}

export async function detectNetem(docker: Docker, opts: { local: boolean }): Promise<NetemSupport> {
  if (!opts.local) return { available: false, reason: 'packet-level faults need an engine on this machine; this one runs elsewhere (e.g. Docker Desktop\'s VM)' };
  if (process.platform !== 'linux') return { available: false, reason: 'packet-level faults need Linux' };
  const rel = release();
  const engineKernel = await docker
    .info()
    .then((i: { KernelVersion?: string }) => i.KernelVersion)
    .catch(() => undefined);
  if (engineKernel && engineKernel !== rel) return { available: false, reason: `the engine runs kernel ${engineKernel}, not this machine's ${rel}` };
  if (!kernelHasNetem(rel)) return { available: false, reason: `this machine's kernel (${rel}) has no sch_netem (not built in, no module), so packet-level faults are not available` };
  if (process.getuid?.() !== 0) return { available: false, reason: 'packet-level faults need root (tc in the container\'s network namespace via nsenter)' };
  if (!TC.some(existsSync) || !NSENTER.some(existsSync)) return { available: false, reason: 'packet-level faults need the tc (iproute2) and nsenter (util-linux) programs' };
  return { available: true, reason: `sch_netem available (kernel ${rel})` };
}

/** The tc arguments for a packet fault on the container's eth0. */
export function netemArgs(fault: 'loss' | 'duplicate' | 'corrupt', percent: number): string[] {
  const p = `${Math.max(0, Math.min(100, percent))}%`;
  return ['qdisc', 'replace', 'dev', 'eth0', 'root', 'netem', fault, p];
}

async function tcIn(pid: number, args: string[]): Promise<void> {
  const tc = TC.find(existsSync) ?? 'tc';
  const nsenter = NSENTER.find(existsSync) ?? 'nsenter';
  await run(nsenter, ['-t', String(pid), '-n', tc, ...args]);
}

export async function applyNetem(docker: Docker, containerId: string, fault: 'loss' | 'duplicate' | 'corrupt', percent: number): Promise<void> {
  const info = await docker.getContainer(containerId).inspect();
  await tcIn(info.State.Pid, netemArgs(fault, percent));
}

export async function revertNetem(docker: Docker, containerId: string): Promise<void> {
  const info = await docker.getContainer(containerId).inspect();
  if (!info.State.Running) return; // a fresh network namespace comes without it
  await tcIn(info.State.Pid, ['qdisc', 'del', 'dev', 'eth0', 'root']).catch((err: Error) => {
    if (!/No such file|Cannot delete qdisc with handle of zero|Invalid handle/i.test(err.message)) throw err;
  });
}
