import { ESLint } from 'eslint';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

// The folder rules are only worth something if the linter really refuses a violation: lint
// probe texts as if they lived in each folder (nothing is written to disk).
const root = join(import.meta.dirname, '..', '..', '..');
const eslint = new ESLint({ cwd: root });

async function restricted(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: join(root, file) });
  return (result?.messages ?? []).filter((m) => m.ruleId === 'no-restricted-imports' || m.ruleId === 'no-restricted-globals').map((m) => m.message);
}

describe('layering lint rules', () => {
  it('renderer/ may not import node:* or bare Node builtins', async () => {
    expect(await restricted('renderer/src/probe.ts', "import { readFileSync } from 'node:fs';\nexport const x = readFileSync;\n")).toHaveLength(1);
    expect(await restricted('renderer/src/probe.ts', "import { join } from 'path';\nexport const x = join;\n")).toHaveLength(1);
  });

  it('renderer/ may not import electron/ code or the electron module', async () => {
    expect(await restricted('renderer/src/probe.ts', "import { dispatch } from '../../electron/api/dispatch';\nexport const x = dispatch;\n")).toHaveLength(1);
    expect(await restricted('renderer/src/probe.ts', "import { ipcRenderer } from 'electron';\nexport const x = ipcRenderer;\n")).toHaveLength(1);
  });

  it('shared/ may import neither Node nor DOM', async () => {
    expect(await restricted('shared/probe.ts', "import { createHash } from 'node:crypto';\nexport const x = createHash;\n")).toHaveLength(1);
    expect(await restricted('shared/probe.ts', 'export const x = () => document.title;\n')).toHaveLength(1);
    expect(await restricted('shared/probe.ts', "export const x = () => Buffer.from('a');\n")).toHaveLength(1);
    expect(await restricted('shared/probe.ts', "import React from 'react';\nexport const x = React;\n")).toHaveLength(1);
  });

  it('allowed imports pass: shared from anywhere, our own modules named like builtins', async () => {
    expect(await restricted('renderer/src/probe.ts', "import type { WorkbenchEvents } from '../../shared/api/events';\nexport type X = WorkbenchEvents;\n")).toEqual([]);
    expect(await restricted('electron/probe.ts', "import { readFileSync } from 'node:fs';\nimport { methods } from '../shared/api/contract';\nexport const x = [readFileSync, methods];\n")).toEqual([]);
    expect(await restricted('shared/probe.ts', "import { z } from './zod';\nexport const x = z;\n")).toEqual([]);
  });

  it('shared/ takes zod from shared/zod.ts only, where its configuration is set before any schema is made', async () => {
    expect(await restricted('shared/probe.ts', "import { z } from 'zod';\nexport const x = z;\n")).toHaveLength(1);
    expect(await restricted('shared/zod.ts', "import { z } from 'zod';\nexport const x = z;\n")).toEqual([]);
  });
});
