// The rules of a manifest the JSON Schema cannot say: one teacher or a map of them (not both, not neither), losses at
// the top level or in the first stage, a loss's `teacher` naming a teacher, stage names unique and not taken by
// distill's own stages.
import { suggestion } from '../plugins/did-you-mean.js';
import { isPlainObject } from './describe-value.js';
import type { PointerIssue } from './schema-issues.js';

/** Names a user stage cannot take: distill's own stages, and the prefixes of the run's final metrics. */
const RESERVED_STAGE_NAMES = ['teacher', 'baseline', 'distillation', 'compression', 'speedup'];

export function ruleIssues(manifest: unknown): PointerIssue[] {
  if (!isPlainObject(manifest)) return [];
  return [...teacherIssues(manifest), ...lossesIssues(manifest), ...lossTeacherIssues(manifest), ...stageNameIssues(manifest)];
}

/** The student's objective: top-level `losses`, or with `stages`, the first stage's own. */
function lossesIssues(manifest: Record<string, unknown>): PointerIssue[] {
  if (manifest.losses !== undefined) return [];
  if (!Array.isArray(manifest.stages)) return [{ pointer: '', message: 'missing required key "losses"' }];
  const first = manifest.stages[0];
  if (!isPlainObject(first) || first.losses !== undefined) return [];
  return [{ pointer: '/stages/0', message: 'the first stage needs "losses": the manifest has no top-level "losses" for it to take' }];
}

function teacherIssues(manifest: Record<string, unknown>): PointerIssue[] {
  const hasOne = manifest.teacher !== undefined;
  const hasMap = manifest.teachers !== undefined;
  if (hasOne && hasMap) return [{ pointer: '/teachers', message: 'give either "teacher" or "teachers", not both', at: 'key' }];
  if (!hasOne && !hasMap) return [{ pointer: '', message: 'missing required key "teacher"', hint: 'or "teachers": several teachers by name' }];
  return [];
}

function teacherNames(manifest: Record<string, unknown>): string[] {
  if (isPlainObject(manifest.teachers)) return Object.keys(manifest.teachers);
  return manifest.teacher !== undefined ? ['teacher'] : [];
}

function lossTeacherIssues(manifest: Record<string, unknown>): PointerIssue[] {
  const names = teacherNames(manifest);
  if (names.length === 0) return [];
  const lists: [string, unknown][] = [['/losses', manifest.losses]];
  if (Array.isArray(manifest.stages)) manifest.stages.forEach((stage, i) => isPlainObject(stage) && lists.push([`/stages/${i}/losses`, stage.losses]));
  const issues: PointerIssue[] = [];
  for (const [pointer, losses] of lists) {
    if (!Array.isArray(losses)) continue;
    losses.forEach((loss, j) => {
      const teacher = isPlainObject(loss) ? loss.teacher : undefined;
      if (typeof teacher === 'string' && !names.includes(teacher)) {
        issues.push({ pointer: `${pointer}/${j}/teacher`, message: `unknown teacher "${teacher}"; ${suggestion(teacher, names)}` });
      }
    });
  }
  return issues;
}

function stageNameIssues(manifest: Record<string, unknown>): PointerIssue[] {
  if (!Array.isArray(manifest.stages)) return [];
  const seen = new Map<string, number>();
  const issues: PointerIssue[] = [];
  manifest.stages.forEach((stage, i) => {
    const name = isPlainObject(stage) ? stage.name : undefined;
    if (typeof name !== 'string') return;
    if (RESERVED_STAGE_NAMES.includes(name)) {
      issues.push({ pointer: `/stages/${i}/name`, message: `"${name}" is the name of distill's own ${name === 'teacher' || name === 'baseline' ? 'stage' : 'metrics'}; choose another` });
    } else if (seen.has(name)) {
      issues.push({ pointer: `/stages/${i}/name`, message: `stage name "${name}" is already taken by /stages/${seen.get(name)}; stage names must be unique` });
    }
    if (!seen.has(name)) seen.set(name, i);
  });
  return issues;
}
