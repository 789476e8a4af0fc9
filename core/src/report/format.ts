// How numbers read in a report's text and tables (charts format their own axes): NaN and missing values say so.

export function percent(value: number | undefined, digits = 2): string {
  return value === undefined ? '–' : Number.isFinite(value) ? `${(value * 100).toFixed(digits)}%` : 'NaN';
}

/** An accuracy difference in percentage points: `+13.82 points`. */
export function points(value: number | undefined): string {
  if (value === undefined) return '–';
  if (!Number.isFinite(value)) return 'NaN';
  return `${value >= 0 ? '+' : '−'}${Math.abs(value * 100).toFixed(2)} points`;
}

export function times(value: number | undefined): string {
  return value === undefined ? '–' : Number.isFinite(value) ? `${value.toFixed(1)}×` : 'NaN';
}

export function count(value: number | undefined): string {
  return value === undefined ? '–' : Number.isFinite(value) ? Math.round(value).toLocaleString('en-US') : 'NaN';
}

/** A metric value of unknown kind: integers as they are, others with 4 significant digits. */
export function metric(value: number | undefined): string {
  if (value === undefined) return '–';
  if (!Number.isFinite(value)) return 'NaN';
  return Number.isInteger(value) ? value.toLocaleString('en-US') : Number(value.toPrecision(4)).toString();
}

export function duration(ms: number | undefined): string {
  if (ms === undefined || !Number.isFinite(ms)) return '–';
  const seconds = ms / 1000;
  if (seconds < 60) return `${seconds.toFixed(1)} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ${Math.round(seconds % 60)} s`;
  return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

/** `2026-12-02 04:39 UTC` from an ISO time. */
export function when(iso: string | undefined): string {
  if (!iso) return '–';
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** A sweep parameter's value: numbers short, anything else as JSON. */
export function param(value: unknown): string {
  return typeof value === 'number' ? String(Number(value.toPrecision(6))) : JSON.stringify(value) ?? '–';
}
