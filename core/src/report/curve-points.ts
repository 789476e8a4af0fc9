// Learning curves as chart data. Per-step values are placed on an epoch axis (step i of an epoch of n steps at
// epoch + (i + 1) / n), so they line up with the validation measured at each epoch's end; long curves are averaged over
// windows of consecutive steps so a report stays small and quick to draw. Values that are not finite are left out
// (and counted, for the report to say so).
import type { LoggedPoint } from './metric-journal.js';

/** Per-step curves with more points than this are averaged over windows of consecutive steps. */
export const MAX_CURVE_POINTS = 500;

export interface StepPoint {
  /** Epochs done, fractional. */
  readonly x: number;
  readonly step: number;
  readonly value: number;
}

export interface EpochPoint {
  /** Counted from 1: the epoch this value was measured after. */
  readonly epoch: number;
  readonly step: number;
  readonly value: number;
}

export interface Curve<T> {
  readonly points: readonly T[];
  /** Points left out because their value was NaN or infinite. */
  readonly nonFinite: number;
}

/** One point per epoch: the last value logged for it (a run records a stage's final validation twice). */
export function epochCurve(points: readonly LoggedPoint[]): Curve<EpochPoint> {
  const byEpoch = new Map<number, LoggedPoint>();
  for (const point of points) byEpoch.set(point.epoch, point);
  const kept = [...byEpoch.values()].sort((a, b) => a.epoch - b.epoch);
  const finite = kept.filter((p) => Number.isFinite(p.value));
  return { points: finite.map((p) => ({ epoch: p.epoch + 1, step: p.step, value: compact(p.value) })), nonFinite: kept.length - finite.length };
}

export function stepCurve(points: readonly LoggedPoint[], maxPoints = MAX_CURVE_POINTS): Curve<StepPoint> {
  const perEpoch = new Map<number, number>();
  for (const p of points) perEpoch.set(p.epoch, (perEpoch.get(p.epoch) ?? 0) + 1);
  const seen = new Map<number, number>();
  const placed: StepPoint[] = points.map((p) => {
    const index = (seen.get(p.epoch) ?? 0) + 1;
    seen.set(p.epoch, index);
    return { x: p.epoch + index / perEpoch.get(p.epoch)!, step: p.step, value: p.value };
  });
  const finite = placed.filter((p) => Number.isFinite(p.value));
  const kept = windowMeans(finite, maxPoints).map((p) => ({ x: Number(p.x.toFixed(4)), step: p.step, value: compact(p.value) }));
  return { points: kept, nonFinite: placed.length - finite.length };
}

/** Six significant digits: more than a chart can show, and a third of the bytes of a float's full text. */
export function compact(value: number): number {
  return Number(value.toPrecision(6));
}

/** At most `maxPoints` points: each the mean of `ceil(n / maxPoints)` consecutive ones, at the window's last position. */
export function windowMeans(points: readonly StepPoint[], maxPoints: number): StepPoint[] {
  if (points.length <= maxPoints) return [...points];
  const size = Math.ceil(points.length / maxPoints);
  const out: StepPoint[] = [];
  for (let start = 0; start < points.length; start += size) {
    const window = points.slice(start, start + size);
    const last = window[window.length - 1];
    out.push({ x: last.x, step: last.step, value: window.reduce((sum, p) => sum + p.value, 0) / window.length });
  }
  return out;
}
