// distill's own run tags: what produced the run (version, backend, plugins with versions) and on what data.
import type { PluginHost } from '../plugins/plugin-host.js';
import type { PluginKind } from '../plugins/plugin-kind.js';
import type { ResolvedExperiment } from '../manifest/resolved-experiment.js';
import type { BackendChoice } from '../backend/select-backend.js';
import { distillVersion } from '../version.js';

export function pluginsUsed(experiment: ResolvedExperiment): { kind: PluginKind; type: string }[] {
  const refs: { kind: PluginKind; type: string }[] = [
    { kind: 'dataset', type: experiment.dataset.type },
    { kind: 'model', type: experiment.teacher.type },
    { kind: 'model', type: experiment.student.type },
    ...experiment.losses.map((l) => ({ kind: 'loss' as const, type: l.type })),
    { kind: 'optimizer', type: experiment.optimizer.type },
    { kind: 'scheduler', type: experiment.scheduler.type },
    { kind: 'tracker', type: experiment.tracking.type },
  ];
  const seen = new Set<string>();
  return refs.filter((r) => !seen.has(`${r.kind}:${r.type}`) && seen.add(`${r.kind}:${r.type}`));
}

export function runTags(experiment: ResolvedExperiment, host: PluginHost, backend: BackendChoice): Record<string, string> {
  const plugins = pluginsUsed(experiment).map(({ kind, type }) => {
    const plugin = host.registries[kind].get(type);
    return `${kind}/${type} (${plugin.source ?? 'unknown source'}${plugin.version && !plugin.source?.endsWith(plugin.version) ? `@${plugin.version}` : ''})`;
  });
  return {
    'distill.version': distillVersion(),
    'distill.backend': backend.name,
    'distill.backend.reason': backend.reason,
    'distill.dataset': experiment.dataset.type,
    'distill.teacher': experiment.teacher.type,
    'distill.student': experiment.student.type,
    'distill.plugins': plugins.join(', '),
  };
}
