// Which image files an `image-folder` dataset reads and their classes: one sub-folder per class, the same under
// `train/`, `val/` and `test/` when the folders are the splits, or a CSV of `path,label` rows. Files are listed in
// sorted order, so the same folder gives the same samples in the same order (stable sample ids) on every machine.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { suggestion, UserError } from '@distill/core';
import { CsvSyntaxError, parseCsv } from './csv-records.js';

export interface ImageEntry {
  readonly file: string;
  /** How messages name it: relative to the dataset's folder. */
  readonly shown: string;
  readonly label: number;
}

export interface ImageListing {
  readonly classNames: readonly string[];
  readonly entries: readonly ImageEntry[];
}

/** The folder names that hold each split when the folders are the splits. */
export const SPLIT_FOLDERS = { train: ['train'], validation: ['val', 'validation'], test: ['test'] } as const;

/** Images in one sub-folder per class under `dir`; `classes` fixes the class list (default: the sub-folders, sorted). */
export function listClassFolders(root: string, dir: string, classes: readonly string[] | undefined): ImageListing {
  const folders = subfolders(dir, root);
  const classNames = classes ?? folders;
  if (classNames.length < 2) throw new UserError(`${shownDir(root, dir)} has ${classNames.length === 0 ? 'no class folders' : `one class folder (${classNames[0]})`}; an image-folder dataset needs a sub-folder per class, at least 2`);
  const entries: ImageEntry[] = [];
  for (const folder of folders) {
    const label = classNames.indexOf(folder);
    if (label < 0) {
      throw new UserError(`${shownDir(root, join(dir, folder))}: the folder's label "${folder}" is not in the class list [${classNames.join(', ')}]; ${suggestion(folder, classNames)}`);
    }
    const files = visibleEntries(join(dir, folder));
    if (files.length === 0) throw new UserError(`${shownDir(root, join(dir, folder))}: the class folder "${folder}" holds no images`);
    for (const name of files) entries.push({ file: join(dir, folder, name), shown: shownDir(root, join(dir, folder, name)), label });
  }
  return { classNames, entries };
}

/** The images a `path,label` CSV lists (paths relative to `root`; a `path,label` header row is allowed). */
export function listCsv(root: string, csvFile: string, shownCsv: string, classes: readonly string[] | undefined): ImageListing {
  let text: string;
  try {
    text = readFileSync(csvFile, 'utf8');
  } catch (error) {
    throw new UserError(`image-folder dataset: cannot read the labels file ${shownCsv} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  let records;
  try {
    records = parseCsv(text);
  } catch (error) {
    if (error instanceof CsvSyntaxError) throw new UserError(`${shownCsv}:${error.line}: ${error.message}`);
    throw error;
  }
  const header = records[0] && records[0].cells.map((c) => c.toLowerCase()).join(',') === 'path,label';
  const rows = header ? records.slice(1) : records;
  if (rows.length === 0) throw new UserError(`${shownCsv} lists no images; expected rows of path,label`);
  for (const row of rows) {
    if (row.cells.length !== 2 || !row.cells[0]) throw new UserError(`${shownCsv}:${row.line}: expected 2 cells, path,label; found ${row.cells.length}`);
  }
  const classNames = classes ?? [...new Set(rows.map((row) => row.cells[1]))].sort();
  if (classNames.length < 2) throw new UserError(`${shownCsv} names ${classNames.length} class; an image-folder dataset needs at least 2`);
  const entries = rows.map((row) => {
    const [path, name] = row.cells;
    const label = classNames.indexOf(name);
    if (label < 0) throw new UserError(`${shownCsv}:${row.line}: label "${name}" of ${path} is not in the class list [${classNames.join(', ')}]; ${suggestion(name, classNames)}`);
    return { file: join(root, path), shown: path, label };
  });
  for (const [label, name] of classNames.entries()) {
    if (!entries.some((e) => e.label === label)) throw new UserError(`${shownCsv}: class "${name}" has no images`);
  }
  return { classNames, entries };
}

/** The split folders present under `root` (`train/` and `test/` required, `val/` or `validation/` optional). */
export function splitFolders(root: string): { train: string; validation?: string; test: string } {
  const present = subfolders(root, root);
  const find = (names: readonly string[]) => names.find((name) => present.includes(name));
  const train = find(SPLIT_FOLDERS.train);
  const test = find(SPLIT_FOLDERS.test);
  if (!train || !test) {
    throw new UserError(`${root}: splitBy "folder" needs a train/ and a test/ folder (and optionally val/), each with a sub-folder per class; found ${present.length ? present.join(', ') : 'no folders'}`);
  }
  const validation = find(SPLIT_FOLDERS.validation);
  return { train: join(root, train), test: join(root, test), ...(validation ? { validation: join(root, validation) } : {}) };
}

function subfolders(dir: string, root: string): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch (error) {
    throw new UserError(`image-folder dataset: cannot read the folder ${shownDir(root, dir) || dir} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  return names.filter((name) => !name.startsWith('.') && statSync(join(dir, name)).isDirectory()).sort();
}

/** The files of a class folder, hidden ones (`.DS_Store`) left out; a nested folder is a mistake worth naming. */
function visibleEntries(dir: string): string[] {
  return readdirSync(dir)
    .filter((name) => !name.startsWith('.'))
    .sort()
    .map((name) => {
      if (statSync(join(dir, name)).isDirectory()) throw new UserError(`${dir}/${name} is a folder; a class folder holds image files only`);
      return name;
    });
}

function shownDir(root: string, path: string): string {
  return relative(root, path) || '.';
}
