/**
 * The seed's table layout: an emoji title, a rule of '=', then either label/value rows with the
 * numbers right-aligned in one column, or columns sized to their widest cell. Returns lines, so
 * views compose them and the command prints once.
 */
export const RULE_WIDTH = 60;

export function section(title: string, width = RULE_WIDTH): string[] {
  return [title, '='.repeat(width)];
}

/** One row: label, value (right-aligned to end at `valueEnd`), optional text after it. */
export type Row = readonly [label: string, value: string, suffix?: string];

export function rows(items: readonly Row[], valueEnd = 42): string[] {
  return items.map(([label, value, suffix]) => {
    const head = `${label}:`;
    const pad = Math.max(1, valueEnd - head.length - value.length);
    return `${head}${' '.repeat(pad)}${value}${suffix === undefined ? '' : ` ${suffix}`}`;
  });
}

/** Label/value rows where the values are text (ids, names): left-aligned after the labels. */
export function fields(items: readonly (readonly [label: string, value: string])[]): string[] {
  const width = widest(0, items.map(([label]) => label.length + 1)) + 1;
  return items.map(([label, value]) => `${`${label}:`.padEnd(width)}${value}`);
}

export interface Column {
  readonly header: string;
  readonly align: 'left' | 'right';
}

/** The largest of `first` and `lengths`, without spreading a long list into Math.max's arguments. */
export function widest(first: number, lengths: Iterable<number>): number {
  let width = first;
  for (const length of lengths) if (length > width) width = length;
  return width;
}

/** A table with a header between rules; columns as wide as their widest cell, two spaces apart. */
export function grid(columns: readonly Column[], cells: readonly (readonly string[])[]): string[] {
  const widths = columns.map((c, i) => widest(c.header.length, cells.map((row) => (row[i] ?? '').length)));
  const line = (row: readonly string[]): string =>
    columns
      .map((c, i) => (c.align === 'right' ? (row[i] ?? '').padStart(widths[i]!) : (row[i] ?? '').padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  const width = widths.reduce((a, b) => a + b, 0) + 2 * (columns.length - 1);
  return ['='.repeat(width), line(columns.map((c) => c.header)), '='.repeat(width), ...cells.map(line)];
}
