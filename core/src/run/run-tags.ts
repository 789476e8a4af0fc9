// distill's own run tags: what produced the run (version, backend, plugins with versions), on what data, and where
// its teachers' outputs come from (a teacher source describes itself: a file digest, a URL and model version).
import type { PluginHost } from '../plugins/plugin-host.js';
import type { PluginKind } from '../plugins/plugin-kind.js';
import type { ResolvedExperiment } from '../manifest/resolved-experiment.js';
import { teacherEntries } from '../manifest/teacher-entries.js';
import type { BackendChoice } from '../backend/select-backend.js';
import type { TeacherSource } from '../plugins/teacher-source.js';
import { distillVersion } from '../version.js';

export function pluginsUsed(experiment: ResolvedExperiment, host: PluginHost): { kind: PluginKind; type: string }[] {
  const teacherKind = (type: string): PluginKind => (!host.registries.model.has(type) && host.registries.teacher.has(type) ? 'teacher' : 'model');
  const stages = experiment.stages ?? [];
  const refs: { kind: PluginKind; type: string }[] = [
    { kind: 'dataset', type: experiment.dataset.type },
    ...(experiment.dataset.tokenizer ? [{ kind: 'tokenizer' as const, type: experiment.dataset.tokenizer.type }] : []),
    ...teacherEntries(experiment).map(({ reference }) => ({ kind: teacherKind(reference.type), type: reference.type })),
    { kind: 'model', type: experiment.student.type },
    ...[...(experiment.losses ?? []), ...stages.flatMap((s) => s.losses ?? [])].map((l) => ({ kind: 'loss' as const, type: l.type })),
    ...[experiment.optimizer, ...stages.flatMap((s) => (s.optimizer ? [s.optimizer] : []))].map((o) => ({ kind: 'optimizer' as const, type: o.type })),
    ...[experiment.scheduler, ...stages.flatMap((s) => (s.scheduler ? [s.scheduler] : []))].map((o) => ({ kind: 'scheduler' as const, type: o.type })),
    { kind: 'tracker', type: experiment.tracking.type },
  ];
  const seen = new Set<string>();
  return refs.filter((r) => !seen.has(`${r.kind}:${r.type}`) && seen.add(`${r.kind}:${r.type}`));
}

export function runTags(
  experiment: ResolvedExperiment,
  host: PluginHost,
  backend: BackendChoice,
  teachers: readonly { readonly name: string; readonly source?: TeacherSource }[] = [],
): Record<string, string> {
  const plugins = pluginsUsed(experiment, host).map(({ kind, type }) => {
    const plugin = host.registries[kind].get(type);
    return `${kind}/${type} (${plugin.source ?? 'unknown source'}${plugin.version && !plugin.source?.endsWith(plugin.version) ? `@${plugin.version}` : ''})`;
  });
  const entries = teacherEntries(experiment);
  const sources = teachers.flatMap(({ name, source }) =>
    source ? Object.entries(source.describe()).map(([key, value]) => [`distill.teacher.${entries.length > 1 ? `${name}.` : ''}source.${key}`, value]) : [],
  );
  return {
    'distill.version': distillVersion(),
    'distill.backend': backend.name,
    'distill.backend.reason': backend.reason,
    'distill.dataset': experiment.dataset.type,
    'distill.teacher': entries.length === 1 ? entries[0].reference.type : entries.map((e) => `${e.name}=${e.reference.type}`).join(', '),
    'distill.student': experiment.student.type,
    'distill.plugins': plugins.join(', '),
    ...Object.fromEntries(sources),
  };
}
