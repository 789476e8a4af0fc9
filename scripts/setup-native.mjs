#!/usr/bin/env node
// `npm run setup:native`: installs distill's native backend, @tensorflow/tfjs-node, into this project's node_modules
// without touching package.json or package-lock.json. It tries the normal install first; that install downloads
// libtensorflow from storage.googleapis.com, which machines behind a proxy that passes only package registries cannot
// reach. It then builds the package from registry files instead:
//   1. the package itself from npm, without its install script;
//   2. TensorFlow's C library from PyPI: the tensorflow-cpu 2.9.1 wheel (the libtensorflow version tfjs-node 4.22
//      is made for) exports the whole TF and TFE C API from tensorflow/python/_pywrap_tensorflow_internal.so, next to
//      libtensorflow_framework.so.2 and the C headers;
//   3. a stub library defining the CPython symbols that library refers to (it is linked with BIND_NOW, so every
//      symbol must resolve when Node loads it, although the C API never calls into Python);
//   4. the addon, compiled with node-gyp against this Node's own headers (no header download) and linked to the
//      stub, so loading the addon loads the stub before the big library is relocated.
// Idempotent: an install that already loads is left alone (`--force` rebuilds). The wheel is downloaded once into
// the cache directory ($DISTILL_CACHE_DIR, else $XDG_CACHE_HOME/distill, else ~/.cache/distill) and checked against
// its pinned SHA-256.
// Usage: npm run setup:native [-- --from-registry] [--force]
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream, existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const PACKAGE = '@tensorflow/tfjs-node';
const VERSION = '4.22.0';
const WHEEL = {
  requirement: 'tensorflow-cpu==2.9.1',
  file: 'tensorflow_cpu-2.9.1-cp310-cp310-manylinux_2_17_x86_64.manylinux2014_x86_64.whl',
  sha256: '6666ddeae45e1f41da788cb4bdea3435aba16edb0bc17b7ac00631c7c9eb052e',
  // Wheel member → path under the package's deps/ directory (where its binding.gyp looks).
  libraries: {
    'tensorflow/python/_pywrap_tensorflow_internal.so': 'lib/_pywrap_tensorflow_internal.so',
    'tensorflow/libtensorflow_framework.so.2': 'lib/libtensorflow_framework.so.2',
  },
  // The headers the addon includes: the C API and the tstring header it pulls in.
  headerPrefixes: ['tensorflow/include/tensorflow/c/', 'tensorflow/include/tensorflow/core/platform/'],
};
const STUB = 'distill-python-stub';
const USAGE = `Usage: npm run setup:native [-- --from-registry] [--force]
Installs ${PACKAGE} ${VERSION} into node_modules (package.json and package-lock.json are left alone).
  --from-registry  skip the normal install (which downloads libtensorflow from storage.googleapis.com)
                   and build it from npm and PyPI files
  --force          reinstall even when an installed copy already works`;

const root = fileURLToPath(new URL('..', import.meta.url));
const packageDir = join(root, 'node_modules', ...PACKAGE.split('/'));
const depsDir = join(packageDir, 'deps');
const cacheDir = process.env.DISTILL_CACHE_DIR ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'distill');

class SetupError extends Error {}

const say = (message) => console.log(`setup:native: ${message}`);

async function main() {
  const { values: options } = parseArgs({ options: { 'from-registry': { type: 'boolean' }, force: { type: 'boolean' }, help: { type: 'boolean' } } });
  if (options.help) {
    console.log(USAGE);
    return;
  }
  const started = Date.now();
  checkProjectVersion();
  const existing = loadCheck();
  if (existing.ok && !options.force) {
    say(`${PACKAGE} ${installedVersion()} is already installed and works (${existing.detail}); nothing to do (--force rebuilds it)`);
    return;
  }
  if (existing.ok) say(`${PACKAGE} ${installedVersion()} works; installing it again (--force)`);
  else if (installedVersion() !== undefined) say(`${PACKAGE} ${installedVersion()} is installed but does not load: ${existing.detail}`);

  const guard = guardProjectFiles();
  try {
    let how = 'the normal install';
    if (options['from-registry'] || !normalInstall()) {
      await buildFromRegistry();
      how = 'a build from registry files';
    }
    const check = loadCheck();
    if (!check.ok) throw new SetupError(`${PACKAGE} was installed by ${how} but does not load: ${check.detail}`);
    say(`done in ${((Date.now() - started) / 1000).toFixed(0)} s by ${how}: ${PACKAGE} ${installedVersion()} works (${check.detail}), ${megabytes(duSize(packageDir))} MB in ${packageDir}`);
    say('distill now picks it under `"backend": "auto"`; `npx distill backends` shows it. Run this again after `npm ci` or `npm install`, which remove it.');
  } finally {
    guard.restore();
  }
}

/** tfjs-node must match the @tensorflow/tfjs it plugs into. */
function checkProjectVersion() {
  const tfjs = readVersion(join(root, 'node_modules/@tensorflow/tfjs/package.json'));
  if (tfjs === undefined) throw new SetupError(`@tensorflow/tfjs is not installed in ${root}; run \`npm ci\` first`);
  if (tfjs !== VERSION) throw new SetupError(`this project uses @tensorflow/tfjs ${tfjs}, but this script installs ${PACKAGE} ${VERSION}; update scripts/setup-native.mjs`);
}

/** Tries the package's own install (which downloads libtensorflow). False, with the reason printed, when it fails. */
function normalInstall() {
  say(`trying the normal install: npm install --no-save ${PACKAGE}@${VERSION}`);
  const result = run('npm', ['install', '--no-save', '--no-audit', '--no-fund', `${PACKAGE}@${VERSION}`], { cwd: root, timeout: 15 * 60_000 });
  if (result.ok) {
    const check = loadCheck();
    if (check.ok) return true;
    say(`the normal install finished but the package does not load (${check.detail}); building from registry files instead`);
    return false;
  }
  say(`the normal install failed (${likelyCause(result.output)}); building from registry files instead`);
  return false;
}

async function buildFromRegistry() {
  checkBuildTools();
  if (installedVersion() !== VERSION) {
    say(`installing the package files without their install script: npm install --no-save --ignore-scripts ${PACKAGE}@${VERSION}`);
    expectOk(run('npm', ['install', '--no-save', '--ignore-scripts', '--no-audit', '--no-fund', `${PACKAGE}@${VERSION}`], { cwd: root }), 'npm install --ignore-scripts');
  }
  const wheel = await cachedWheel();
  say(`extracting libtensorflow and its C headers from ${wheel} into ${depsDir}`);
  rmSync(depsDir, { recursive: true, force: true });
  rmSync(join(packageDir, 'build'), { recursive: true, force: true });
  rmSync(join(packageDir, 'lib'), { recursive: true, force: true });
  extractFromWheel(wheel);
  const lib = join(depsDir, 'lib');
  // The link step asks for -ltensorflow -ltensorflow_framework; the addon then records the sonames.
  linkName(lib, '_pywrap_tensorflow_internal.so', 'libtensorflow.so');
  linkName(lib, 'libtensorflow_framework.so.2', 'libtensorflow_framework.so');
  const symbols = pythonSymbols(lib);
  say(`compiling a stub for the ${symbols.length} CPython symbols libtensorflow refers to (lib${STUB}.so)`);
  compileStub(symbols, lib);
  buildAddon(lib);
}

/** The wheel from the cache, downloaded with pip (which checks the pinned hash) when it is missing or corrupt. */
async function cachedWheel() {
  const wheelDir = join(cacheDir, 'wheels');
  const wheel = join(wheelDir, WHEEL.file);
  if (existsSync(wheel)) {
    if ((await sha256(wheel)) === WHEEL.sha256) {
      say(`using the cached ${WHEEL.requirement} wheel (${wheel})`);
      return wheel;
    }
    say(`the cached wheel ${wheel} does not match its SHA-256; downloading it again`);
    rmSync(wheel);
  }
  try {
    mkdirSync(wheelDir, { recursive: true });
  } catch (error) {
    throw new SetupError(`cannot create the cache directory ${wheelDir} (${error.message}); set DISTILL_CACHE_DIR to a writable directory`);
  }
  const requirements = join(wheelDir, 'tensorflow-cpu.requirements.txt');
  writeFileSync(requirements, `${WHEEL.requirement} --hash=sha256:${WHEEL.sha256}\n`);
  say(`downloading the ${WHEEL.requirement} wheel (207 MB) from PyPI into ${wheelDir}`);
  const args = ['-m', 'pip', 'download', '--no-deps', '--only-binary=:all:', '--python-version', '3.10', '--platform', 'manylinux2014_x86_64'];
  expectOk(run('python3', [...args, '--require-hashes', '-r', requirements, '-d', wheelDir], { inherit: true }), `python3 -m pip download ${WHEEL.requirement}`);
  if (!existsSync(wheel)) throw new SetupError(`pip reported success but ${wheel} is not there`);
  return wheel;
}

/** Extracts the two libraries and the headers with Python's zipfile (pip needs Python anyway; unzip may be absent). */
function extractFromWheel(wheel) {
  const script = `
import json, os, shutil, sys, zipfile
wheel, deps, libraries, prefixes = sys.argv[1], sys.argv[2], json.loads(sys.argv[3]), json.loads(sys.argv[4])
with zipfile.ZipFile(wheel) as archive:
    for info in archive.infolist():
        if info.is_dir():
            continue
        if info.filename in libraries:
            target = os.path.join(deps, libraries[info.filename])
        elif any(info.filename.startswith(p) for p in prefixes):
            target = os.path.join(deps, 'include', info.filename[len('tensorflow/include/'):])
        else:
            continue
        os.makedirs(os.path.dirname(target), exist_ok=True)
        with archive.open(info) as source, open(target, 'wb') as out:
            shutil.copyfileobj(source, out, 1 << 20)
`;
  expectOk(run('python3', ['-c', script, wheel, depsDir, JSON.stringify(WHEEL.libraries), JSON.stringify(WHEEL.headerPrefixes)]), 'extracting the wheel');
  for (const target of Object.values(WHEEL.libraries)) {
    if (!existsSync(join(depsDir, target))) throw new SetupError(`${target} was not found in ${wheel}`);
  }
}

function linkName(dir, target, name) {
  expectOk(run('ln', ['-sf', target, join(dir, name)]), `ln -s ${target} ${name}`);
}

/** The symbols the big library needs that libtensorflow_framework does not define and no versioned system library provides: CPython's. */
function pythonSymbols(lib) {
  const names = (args) => expectOk(run('nm', args), `nm ${args.join(' ')}`).output.split('\n');
  const undefinedStrong = names(['-D', '--undefined-only', join(lib, '_pywrap_tensorflow_internal.so')])
    .map((line) => line.trim().split(/\s+/))
    .filter(([type, name]) => type === 'U' && name && !name.includes('@'))
    .map(([, name]) => name);
  const defined = new Set(
    names(['-D', '--defined-only', join(lib, 'libtensorflow_framework.so.2')]).map((line) => (line.trim().split(/\s+/)[2] ?? '').replace(/@.*/, '')),
  );
  const missing = undefinedStrong.filter((name) => !defined.has(name));
  const unexpected = missing.filter((name) => !/^_?Py/.test(name));
  if (unexpected.length > 0) throw new SetupError(`libtensorflow needs symbols that are neither TensorFlow's nor CPython's: ${unexpected.slice(0, 5).join(', ')}`);
  return missing;
}

/**
 * C source for the stub. CPython's data symbols (type objects, exception classes, None/True/False) become zeroed
 * objects, since code may take their address or touch a reference count; functions abort with a message, since the
 * C API distill uses never reaches Python and a call would mean something is badly wrong.
 */
function stubSource(symbols) {
  const isData = (name) => /^PyExc_|^_Py_\w*Struct$|^Py\w*_Type$/.test(name);
  return [
    `// Generated by scripts/setup-native.mjs: the CPython symbols TensorFlow's ${WHEEL.requirement} library refers to.`,
    '#include <stdio.h>',
    '#include <stdlib.h>',
    'static void called(const char *name) { fprintf(stderr, "distill python stub: %s called; TensorFlow tried to use Python\\n", name); abort(); }',
    ...symbols.map((name) => (isData(name) ? `char ${name}[256] __attribute__((aligned(16)));` : `void ${name}(void) { called("${name}"); }`)),
    '',
  ].join('\n');
}

function compileStub(symbols, lib) {
  const source = join(depsDir, `${STUB}.c`);
  writeFileSync(source, stubSource(symbols));
  expectOk(run('gcc', ['-shared', '-fPIC', '-O2', `-Wl,-soname,lib${STUB}.so`, '-o', join(lib, `lib${STUB}.so`), source]), 'gcc (compiling the stub)');
}

/** node-pre-gyp → node-gyp → make, against this Node's headers; the extra linker flags record the stub as needed. */
function buildAddon(lib) {
  const nodedir = dirname(dirname(process.execPath));
  const env = {
    ...process.env,
    npm_config_nodedir: nodedir,
    npm_config_node_gyp: process.env.npm_config_node_gyp ?? npmNodeGyp(),
    LDFLAGS: `${process.env.LDFLAGS ?? ''} -Wl,--no-as-needed -L${lib} -l${STUB}`.trim(),
  };
  say(`building the addon against the Node headers in ${nodedir}/include/node: node-pre-gyp install --build-from-source`);
  const preGyp = join(root, 'node_modules/.bin/node-pre-gyp');
  expectOk(run(preGyp, ['install', '--build-from-source'], { cwd: packageDir, env }), 'node-pre-gyp install --build-from-source');
}

/** npm ships node-gyp; npm run sets npm_config_node_gyp to it, a direct `node scripts/setup-native.mjs` does not. */
function npmNodeGyp() {
  const npm = spawnSync('npm', ['root', '-g'], { encoding: 'utf8' });
  const candidate = join(npm.stdout.trim(), 'npm/node_modules/node-gyp/bin/node-gyp.js');
  return existsSync(candidate) ? candidate : undefined;
}

function checkBuildTools() {
  if (process.platform !== 'linux' || process.arch !== 'x64') {
    throw new SetupError(`building ${PACKAGE} from registry files works on Linux x86-64 only (this is ${process.platform}-${process.arch}); install it with \`npm install ${PACKAGE}@${VERSION}\` where storage.googleapis.com is reachable`);
  }
  const missing = [];
  for (const [tool, args, hint] of [
    ['python3', ['-m', 'pip', '--version'], 'python3 with pip (apt-get install python3-pip)'],
    ['gcc', ['--version'], 'gcc (apt-get install build-essential)'],
    ['g++', ['--version'], 'g++ (apt-get install build-essential)'],
    ['make', ['--version'], 'make (apt-get install build-essential)'],
    ['nm', ['--version'], 'nm (apt-get install binutils)'],
  ]) {
    if (spawnSync(tool, args, { stdio: 'ignore' }).status !== 0) missing.push(hint);
  }
  const headers = join(dirname(dirname(process.execPath)), 'include/node/node_api.h');
  if (!existsSync(headers)) missing.push(`Node's C headers at ${headers} (they come with Node's official builds and Debian's nodejs package; apt-get install libnode-dev)`);
  if (missing.length > 0) throw new SetupError(`building ${PACKAGE} from registry files needs: ${missing.join('; ')}`);
}

/** Loads the package in a fresh Node from the project root and runs one op on its backend. */
function loadCheck() {
  if (installedVersion() === undefined) return { ok: false, detail: 'not installed' };
  const probe = `const tf = require('${PACKAGE}');
const product = tf.matMul(tf.tensor2d([[1, 2]]), tf.tensor2d([[3], [4]])).dataSync()[0];
if (tf.getBackend() !== 'tensorflow' || product !== 11) throw new Error('backend ' + tf.getBackend() + ' computed ' + product);`;
  const result = spawnSync(process.execPath, ['-e', probe], { cwd: root, encoding: 'utf8', env: { ...process.env, TF_CPP_MIN_LOG_LEVEL: '2' } });
  if (result.status === 0) return { ok: true, detail: `loads and computes on the 'tensorflow' backend` };
  const error = `${result.stderr}`.split('\n').find((line) => /Error|error:/.test(line)) ?? `exit ${result.status}`;
  return { ok: false, detail: error.trim() };
}

function installedVersion() {
  return readVersion(join(packageDir, 'package.json'));
}

function readVersion(file) {
  return existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')).version : undefined;
}

/** npm install --no-save should leave package.json and package-lock.json alone; this makes sure of it. */
function guardProjectFiles() {
  const files = ['package.json', 'package-lock.json'].map((name) => join(root, name)).filter(existsSync);
  const before = new Map(files.map((file) => [file, readFileSync(file)]));
  return {
    restore() {
      for (const [file, content] of before) {
        if (!readFileSync(file).equals(content)) {
          writeFileSync(file, content);
          say(`restored ${file}, which npm had changed`);
        }
      }
    },
  };
}

function run(command, args, { cwd, env, inherit = false, timeout } = {}) {
  const result = spawnSync(command, args, { cwd, env, encoding: 'utf8', timeout, maxBuffer: 64 << 20, stdio: inherit ? 'inherit' : 'pipe' });
  const output = `${result.stdout ?? ''}${result.stderr ?? ''}`;
  if (result.error) return { ok: false, output: `${result.error.message}\n${output}` };
  return { ok: result.status === 0, output };
}

function expectOk(result, what) {
  if (result.ok) return result;
  const tail = result.output.trim().split('\n').slice(-20).join('\n');
  throw new SetupError(`${what} failed:\n${tail}`);
}

/** The line of a failed install that says why (e.g. "getaddrinfo ENOTFOUND storage.googleapis.com"). */
function likelyCause(output) {
  const line = output.split('\n').find((l) => /\b(Error|ENOTFOUND|ECONNREFUSED|ETIMEDOUT|EAI_AGAIN|403|404)\b/.test(l) && !/^npm error (code|path|command)/.test(l));
  return line?.replace(/^npm error\s*/, '').trim() ?? 'see the npm output above';
}

function sha256(file) {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    createReadStream(file).on('data', (chunk) => hash.update(chunk)).on('end', () => resolve(hash.digest('hex'))).on('error', reject);
  });
}

function duSize(dir) {
  const result = spawnSync('du', ['-sb', dir], { encoding: 'utf8' });
  return Number(result.stdout.split(/\s/)[0]) || statSync(dir).size;
}

const megabytes = (bytes) => Math.round(bytes / 1e6);

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  main().catch((error) => {
    // A SetupError says what went wrong and what to do; anything else is a bug here, so it keeps its stack.
    console.error(error instanceof SetupError ? `setup:native: ${error.message}` : `setup:native: unexpected error: ${error.stack}`);
    process.exit(1);
  });
}
