import type { EnvSandboxInfo } from '../../shared/api/methods/environment';

/** What the session can reach, said plainly; what could not be enforced or checked, said too. */
export function sandboxLines(sandbox: EnvSandboxInfo): string[] {
  const lines =
    sandbox.egress === 'sealed' && sandbox.enforced === false
      ? ['Sandbox: NOT SEALED: the session network was asked to be sealed, but the engine does not enforce it (see below).']
      : sandbox.egress === 'sealed'
      ? [`Sandbox: sealed${sandbox.verified ? ' (checked)' : ''}: containers reach each other and the session agent (agent.repro.internal, ports ${sandbox.agentPorts.join(', ') || 'none'}), nothing else.`]
      : ['Sandbox: OPEN (--allow-egress): containers can reach the internet, the LAN and this machine.'];
  for (const n of sandbox.notes) if (sandbox.egress === 'sealed') lines.push(`  ! ${n}`);
  return lines;
}
