// Whether a plugin made for one @distill/core can run in another. Plugins say which core they were made for in two
// ways: `definePlugin` stamps each definition with the version of the core that defined it (`coreVersion`), and a
// plugin package declares the range it supports in its package.json (`peerDependencies["@distill/core"]`). Versions
// with the same major (the same minor, below 1.0) share the plugin API.
import semver from 'semver';
import { UserError } from '../errors.js';
import { distillVersion } from '../version.js';
import type { PluginPackage } from './plugin-package.js';

/** A stamped version's compatibility range: `^1.0.0` for 1.4.2, `^0.3.0` for 0.3.1. */
export function compatibleRange(version: string): string | undefined {
  const parsed = semver.parse(version);
  if (!parsed) return undefined;
  return parsed.major > 0 ? `^${parsed.major}.0.0` : `^0.${parsed.minor}.0`;
}

/** Whether the running core satisfies `range` (prereleases count as their release). */
export function runningCoreSatisfies(range: string): boolean {
  return semver.satisfies(distillVersion(), range, { includePrerelease: true });
}

/** What to do when a plugin needs `range` of @distill/core and this distill is not in it. */
export function upgradeAdvice(range: string): string {
  const newer = semver.minVersion(range);
  return newer && semver.gt(newer, distillVersion())
    ? `upgrade distill in the project (npm install @distill/cli@"${range}" @distill/core@"${range}")`
    : `update the plugin for @distill/core ${compatibleRange(distillVersion()) ?? distillVersion()} (docs/own-project.md, "Upgrade"), or run a distill in ${range}`;
}

/** The error for a plugin package whose declared @distill/core range excludes this distill, before any of its code runs. */
export function incompatiblePackage(found: PluginPackage, origin: string): UserError | undefined {
  if (!found.coreRange || runningCoreSatisfies(found.coreRange)) return undefined;
  return new UserError(
    `plugin package ${found.name}${found.version ? `@${found.version}` : ''} (${origin}) is made for @distill/core ${found.coreRange} (its package.json), but this is distill ${distillVersion()}`,
    { hint: `${upgradeAdvice(found.coreRange)}; or install a version of ${found.name} made for this distill` },
  );
}
