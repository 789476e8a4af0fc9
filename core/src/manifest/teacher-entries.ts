// A manifest's teachers, whichever way it gives them: one `teacher`, or a `teachers` map. Each has a name (what a
// loss's `teacher` names), its place in the manifest, and what its metrics and its stage are called: one teacher keeps
// the plain `teacher/...` keys; with several, each is `teacher/<name>/...`.
import type { ResolvedExperiment, ResolvedTeacherReference } from './resolved-experiment.js';

export interface TeacherEntry {
  /** `teacher` for the single `teacher` key; the key in `teachers` otherwise. */
  readonly name: string;
  readonly reference: ResolvedTeacherReference;
  /** JSON pointer of the reference: `/teacher`, `/teachers/big`. */
  readonly pointer: string;
  /** Prefix of its metrics and name of its teacher stage: `teacher`, or `teacher/<name>` when there are several. */
  readonly label: string;
}

export function teacherEntries(experiment: Pick<ResolvedExperiment, 'teacher' | 'teachers'>): TeacherEntry[] {
  if (experiment.teachers) {
    const names = Object.keys(experiment.teachers);
    return names.map((name) => ({
      name,
      reference: experiment.teachers![name],
      pointer: `/teachers/${name}`,
      label: names.length === 1 ? 'teacher' : `teacher/${name}`,
    }));
  }
  return experiment.teacher ? [{ name: 'teacher', reference: experiment.teacher, pointer: '/teacher', label: 'teacher' }] : [];
}

/** The teachers a loss reference learns from by default: its `teacher`, else the only or first teacher. */
export function defaultTeacherOf(loss: { teacher?: string }, entries: readonly TeacherEntry[]): string | undefined {
  return loss.teacher ?? entries[0]?.name;
}
