// `distill init project`: what git should not track: installed packages, run and sweep directories, the training cache.
export function projectGitignoreTemplate(): string {
  return ['node_modules/', 'runs/', 'sweeps/', '.distill-cache/', ''].join('\n');
}
