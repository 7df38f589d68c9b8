/** Number formatting for explanations: short, stable, and honest about NaN and infinities. */
export function fmt(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return '+Inf';
  if (value === -Infinity) return '-Inf';
  if (value === 0) return '0';
  const abs = Math.abs(value);
  if (abs >= 1e6 || abs < 1e-4) return value.toExponential(3).replace(/\.?0+e/, 'e');
  return String(Number(value.toPrecision(4)));
}

export function fmtPercent(fraction: number): string {
  return `${Number((fraction * 100).toPrecision(4))}%`;
}
