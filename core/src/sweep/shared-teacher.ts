// Whether every trial of a sweep needs the same teacher: true unless a parameter changes something the teacher's
// training depends on (the teacher itself, the data, the seed, the backend or the plugins).
import type { SweepSpec } from './sweep-spec.js';

const TEACHER_INPUTS = new Set(['teacher', 'teachers', 'dataset', 'seed', 'backend', 'plugins']);

export function sharesTeacher(spec: SweepSpec): boolean {
  return spec.parameters.every((p) => p.paths.every((path) => !TEACHER_INPUTS.has(path[0])));
}
