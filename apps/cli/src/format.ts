// Number and table formatting shared by the reporters and the summary table.

/** A metric for people: MAPE as a percentage, scores to 4 places, errors and losses to 2–4. */
export function formatMetric(name: string, value: number): string {
  if (!Number.isFinite(value)) return String(value);
  if (name.startsWith('mape')) return `${(value * 100).toFixed(2)}%`;
  if (name.startsWith('accuracy') || name.startsWith('f1')) return value.toFixed(4);
  if (name.includes('loss')) return value.toFixed(4);
  return Math.abs(value) >= 100 ? value.toFixed(1) : value.toFixed(3);
}

export function formatCount(value: number): string {
  return Math.round(value).toLocaleString('en-US');
}

/** Plain left-aligned columns with a rule under the header, no dependencies on terminal width. */
export function formatTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((row) => (row[c] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, c) => cell.padEnd(widths[c]!))
      .join('  ')
      .trimEnd();
  return [line(header), widths.map((w) => '─'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}
