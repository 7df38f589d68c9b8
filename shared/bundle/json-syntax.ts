/**
 * Where a JSON text first breaks the grammar, as line and column. JSON.parse's messages differ
 * between engines and often carry no position, so a bundle author would otherwise get
 * "Unexpected token" with nothing to look at. Only called after JSON.parse has failed.
 */
export interface JsonSyntaxError {
  offset: number;
  line: number; // 1-based
  column: number; // 1-based, in UTF-16 code units
  message: string;
}

export function locateJsonSyntaxError(text: string): JsonSyntaxError | undefined {
  let i = 0;
  const fail = (message: string): never => {
    throw { offset: i, message };
  };
  const ws = () => {
    while (i < text.length && ' \t\n\r'.includes(text[i]!)) i++;
  };
  const expectChar = (c: string) => {
    if (text[i] !== c) fail(`expected '${c}' but found ${describe(text, i)}`);
    i++;
  };
  const str = () => {
    expectChar('"');
    for (;;) {
      if (i >= text.length) fail('unterminated string');
      const c = text[i]!;
      if (c === '"') {
        i++;
        return;
      }
      if (c === '\\') {
        const e = text[i + 1];
        if (e !== undefined && '"\\/bfnrt'.includes(e)) i += 2;
        else if (e === 'u' && /^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) i += 6;
        else {
          i++;
          fail('invalid escape in string');
        }
        continue;
      }
      if (c.charCodeAt(0) < 0x20) fail('control character in string (escape it)');
      i++;
    }
  };
  const num = () => {
    const m = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/.exec(text.slice(i, i + 400));
    if (!m || m[0].length === 0 || m[0] === '-') fail(`expected a value but found ${describe(text, i)}`);
    i += m![0].length;
  };
  const value = (depth: number): void => {
    if (depth > 1000) fail('nesting too deep');
    ws();
    const c = text[i];
    if (c === '{') {
      i++;
      ws();
      if (text[i] === '}') {
        i++;
        return;
      }
      for (;;) {
        ws();
        if (text[i] !== '"') fail(`expected a property name in double quotes but found ${describe(text, i)}`);
        str();
        ws();
        expectChar(':');
        value(depth + 1);
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === '}') {
          i++;
          return;
        }
        fail(`expected ',' or '}' but found ${describe(text, i)}`);
      }
    }
    if (c === '[') {
      i++;
      ws();
      if (text[i] === ']') {
        i++;
        return;
      }
      for (;;) {
        value(depth + 1);
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === ']') {
          i++;
          return;
        }
        fail(`expected ',' or ']' but found ${describe(text, i)}`);
      }
    }
    if (c === '"') return str();
    for (const lit of ['true', 'false', 'null']) {
      if (text.startsWith(lit, i)) {
        i += lit.length;
        return;
      }
    }
    num();
  };
  try {
    value(0);
    ws();
    if (i < text.length) fail(`unexpected ${describe(text, i)} after the JSON value`);
    return undefined;
  } catch (e) {
    const { offset, message } = e as { offset: number; message: string };
    return { offset, ...lineColumn(text, offset), message };
  }
}

function describe(text: string, i: number): string {
  if (i >= text.length) return 'the end of the text';
  return JSON.stringify(text[i]);
}

export function lineColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let k = 0; k < offset && k < text.length; k++) {
    if (text[k] === '\n') {
      line++;
      lineStart = k + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}
