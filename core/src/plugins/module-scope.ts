// Whether Node (and tsx, which follows it) loads a plugin file as an ES module or as CommonJS. `.mjs`/`.mts` are ES
// modules and `.cjs`/`.cts` CommonJS wherever they are; a `.js` or `.ts` file is what its nearest package.json's "type"
// says, CommonJS when it says nothing. `npm init -y` writes "type": "commonjs", so a plugin written with `export` in
// such a project is compiled to CommonJS and its exports are not where an ES import looks.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, extname, join } from 'node:path';
import { UserError } from '../errors.js';
import { displayPath } from '../display-path.js';

export interface CommonJsScope {
  /** The package.json that decides, if any. */
  readonly packageJson?: string;
  /** Its "type" as written (`"commonjs"`), or undefined when it has none. */
  readonly declaredType?: string;
}

/** Why `file` is loaded as CommonJS although it may be written as an ES module, or undefined when it is an ES module. */
export function commonJsScope(file: string): CommonJsScope | undefined {
  const extension = extname(file);
  if (extension !== '.js' && extension !== '.ts') return undefined;
  const packageJson = nearestPackageJson(dirname(file));
  if (!packageJson) return {};
  const type = readType(packageJson);
  return type === 'module' ? undefined : { packageJson, ...(type !== undefined ? { declaredType: type } : {}) };
}

/** The package.json nearest to the folder `from` (in it or above), if any. */
export function nearestPackageJson(from: string): string | undefined {
  for (let dir = from; ; dir = dirname(dir)) {
    const candidate = join(dir, 'package.json');
    if (existsSync(candidate)) return candidate;
    if (dirname(dir) === dir) return undefined;
  }
}

function readType(packageJson: string): string | undefined {
  try {
    const type = (JSON.parse(readFileSync(packageJson, 'utf8')) as { type?: unknown }).type;
    return typeof type === 'string' ? type : undefined;
  } catch {
    return undefined;
  }
}

// What Node says when it reads `import` / `export` in a file it loads as CommonJS.
const ES_SYNTAX_IN_COMMONJS = /Cannot use import statement outside a module|Unexpected token 'export'/;

export function isEsSyntaxError(error: unknown): boolean {
  return error instanceof SyntaxError && ES_SYNTAX_IN_COMMONJS.test(error.message);
}

/**
 * The error for plugin module `file` (`described`: its label and origin) when it is loaded as CommonJS, saying which
 * package.json decides and what to change; undefined when the file is an ES module.
 */
export function commonJsRefusal(file: string, described: string, cause?: unknown): UserError | undefined {
  const scope = commonJsScope(file);
  if (!scope) return undefined;
  const extension = extname(file);
  const decides = scope.packageJson
    ? `the nearest package.json (${displayPath(scope.packageJson)}) ${scope.declaredType ? `has "type": "${scope.declaredType}"` : 'has no "type": "module"'}`
    : 'no package.json above it says "type": "module"';
  const fix = scope.packageJson
    ? `add "type": "module" to ${displayPath(scope.packageJson)} (npm pkg set type=module in ${displayPath(dirname(scope.packageJson))})`
    : 'add a package.json with "type": "module" to the project';
  return new UserError(`plugin module ${described} is loaded as CommonJS, so its \`export\`s are not seen: ${decides}, and Node and tsx read ${extension} files there as CommonJS`, {
    hint: `${fix}, or rename the file to ${extension === '.ts' ? '.mts' : '.mjs'}`,
    ...(cause ? { cause } : {}),
  });
}
