/**
 * zod as this project uses it: every schema imports `z` from here (a lint rule holds it), so the
 * configuration below is in place before any schema is made.
 *
 * JIT off: zod compiles each object schema into a function on its first parse. That pays for a
 * schema parsed in a hot loop; ours are parsed a few times per process (a CLI command, the
 * agent, a host's API calls), where the compiling cost more than it saved: 10-20 ms of every
 * `repro up` for the manifest alone, against about 1 ms for a parse without it (issue 16). In a
 * page whose CSP forbids eval zod would fall back anyway; this also spares it the probe.
 */
import { z } from 'zod';

z.config({ jitless: true });

export { z };
