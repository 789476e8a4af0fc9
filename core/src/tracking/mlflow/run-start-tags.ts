// The system tags MLflow's Python client sets when a run starts (mlflow/tracking/context/*), so MLflow users see
// distill runs as they see their own: who ran it, from what, at which git commit, and its description.
import { spawnSync } from 'node:child_process';
import { userInfo } from 'node:os';

export interface RunStartTagsInput {
  readonly runName: string;
  readonly description?: string;
  /** What the run was started from (the manifest's path); default: the script that runs. */
  readonly source?: string;
  readonly cwd?: string;
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly argv?: readonly string[];
}

export function runStartTags(input: RunStartTagsInput): Record<string, string> {
  const env = input.env ?? process.env;
  const tags: Record<string, string> = {
    'mlflow.runName': input.runName,
    'mlflow.user': currentUser(env),
    'mlflow.source.name': input.source ?? (input.argv ?? process.argv)[1] ?? 'distill',
    'mlflow.source.type': 'LOCAL',
  };
  const commit = git(['rev-parse', 'HEAD'], input.cwd);
  if (commit) {
    tags['mlflow.source.git.commit'] = commit;
    const branch = git(['rev-parse', '--abbrev-ref', 'HEAD'], input.cwd);
    if (branch && branch !== 'HEAD') tags['mlflow.source.git.branch'] = branch;
  }
  if (input.description) tags['mlflow.note.content'] = input.description;
  return tags;
}

function currentUser(env: Readonly<Record<string, string | undefined>>): string {
  try {
    return userInfo().username || env.USER || env.LOGNAME || 'unknown';
  } catch {
    return env.USER || env.LOGNAME || 'unknown';
  }
}

function git(args: string[], cwd = process.cwd()): string | undefined {
  const result = spawnSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 5000 });
  return result.status === 0 ? result.stdout.trim() || undefined : undefined;
}
