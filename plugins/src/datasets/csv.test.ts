import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { UserError, type Dataset, type DataSplit, buildPlugin } from '@distill/core';
import csv from './csv.js';
import { parseCsv } from './csv-records.js';

const dir = await mkdtemp(join(tmpdir(), 'distill-csv-'));
afterAll(() => rm(dir, { recursive: true, force: true }));

async function load(text: string, params: Record<string, unknown> = {}): Promise<Dataset> {
  const name = `data-${Math.random().toString(36).slice(2)}.csv`;
  await writeFile(join(dir, name), text);
  return (await buildPlugin(csv, { path: name, ...params }, { manifestDir: dir })) as Dataset;
}

/** Rows of all splits as `features → label`, order-free, to check what went where. */
function rows(data: Dataset): string[] {
  const width = data.inputShape[0];
  const splits: DataSplit[] = [data.train, ...(data.validation ? [data.validation] : []), data.test];
  return splits.flatMap((s) => Array.from({ length: s.count }, (_, i) => `${Array.from(s.x.subarray(i * width, (i + 1) * width)).join(',')}>${s.y[i]}`)).sort();
}

const iris = ['a,b,species', '1,2,setosa', '3,4,virginica', '5,6,setosa', '7,8,versicolor', '9,10,virginica'].join('\n');

describe('csv dataset', () => {
  it('reads numeric features and maps string labels to sorted class names', async () => {
    const data = await load(iris, { testFraction: 0.2, validationFraction: 0 });
    expect(data.inputShape).toEqual([2]);
    expect(data.classNames).toEqual(['setosa', 'versicolor', 'virginica']);
    expect(data.numClasses).toBe(3);
    expect(rows(data)).toEqual(['1,2>0', '3,4>2', '5,6>0', '7,8>1', '9,10>2'].sort());
    expect(data.train.count).toBe(4);
    expect(data.test.count).toBe(1);
    expect(data.validation).toBeUndefined();
  });

  it('keeps numeric labels as class indices and takes the label column by name or index', async () => {
    const text = 'label,x,y\n1,0.5,1.5\n0,2.5,3.5\n2,4.5,5.5\n0,6.5,7.5\n1,8.5,9.5\n';
    const byName = await load(text, { labelColumn: 'label', validationFraction: 0 });
    const byIndex = await load(text, { labelColumn: 0, validationFraction: 0 });
    expect(byName.numClasses).toBe(3);
    expect(byName.classNames).toBeUndefined();
    expect(rows(byName)).toEqual(['0.5,1.5>1', '2.5,3.5>0', '4.5,5.5>2', '6.5,7.5>0', '8.5,9.5>1'].sort());
    expect(rows(byIndex)).toEqual(rows(byName));
  });

  it('reads a file without a header, quoted cells and CRLF line ends', async () => {
    const data = await load('1,2,"cat"\r\n3,4,"dog, big"\r\n5,6,cat\r\n7,8,"dog, big"\r\n\r\n', { header: false, validationFraction: 0, testFraction: 0.25 });
    expect(data.classNames).toEqual(['cat', 'dog, big']);
    expect(rows(data)).toEqual(['1,2>0', '3,4>1', '5,6>0', '7,8>1']);
  });

  it('splits by the fractions after a seeded shuffle, the same for the same seed', async () => {
    const text = ['x,y', ...Array.from({ length: 100 }, (_, i) => `${i},${i % 4}`)].join('\n');
    const a = await load(text, { validationFraction: 0.1, testFraction: 0.2, shuffleSeed: 1 });
    const b = await load(text, { validationFraction: 0.1, testFraction: 0.2, shuffleSeed: 1 });
    const c = await load(text, { validationFraction: 0.1, testFraction: 0.2, shuffleSeed: 2 });
    expect([a.train.count, a.validation!.count, a.test.count]).toEqual([70, 10, 20]);
    expect(Array.from(b.test.x)).toEqual(Array.from(a.test.x));
    expect(b.fingerprint).toBe(a.fingerprint);
    expect(c.fingerprint).not.toBe(a.fingerprint);
    expect(rows(c)).toEqual(rows(a));
  });

  it('says when the file is missing', async () => {
    await expect(buildPlugin(csv, { path: 'missing.csv' }, { manifestDir: dir })).rejects.toThrow(
      new UserError(`csv dataset: cannot read missing.csv (${join(dir, 'missing.csv')}): file not found`),
    );
  });

  it('names the line of a ragged row', async () => {
    await expect(load('a,b,label\n1,2,x\n3,4\n5,6,y\n')).rejects.toThrow(/^data-\w+\.csv:3: the row has 2 cells, expected 3 \(as the header\)$/);
  });

  it('names the line and column of a non-numeric or empty cell', async () => {
    await expect(load('a,b,label\n1,2,x\n3,four,y\n5,6,x\n')).rejects.toThrow(/^data-\w+\.csv:3, column 2 \("b"\): "four" is not a decimal number$/);
    await expect(load('a,b,label\n1,2,x\n3,4,y\n,6,x\n')).rejects.toThrow(/^data-\w+\.csv:4, column 1 \("a"\): empty cell$/);
  });

  it('counts lines of the file, not records, after blank lines and quoted line breaks', async () => {
    await expect(load('a,b,label\n\n1,2,"x\ny"\n3,oops,y\n')).rejects.toThrow(/:5, column 2 \("b"\): "oops" is not a decimal number$/);
  });

  it('rejects a numeric label that is not a class index', async () => {
    await expect(load('a,label\n1,0\n2,1.5\n3,1\n')).rejects.toThrow(/:3, column 2 \("label"\): label 1\.5 is neither a class index/);
  });

  it('reads features as plain decimals only: hex, binary, Infinity and out-of-range numbers are errors with file:line', async () => {
    await expect(load('a,b,label\n1,2,0\n0x1F,4,1\n5,6,0\n')).rejects.toThrow(/^data-\w+\.csv:3, column 1 \("a"\): "0x1F" is not a decimal number$/);
    await expect(load('a,b,label\n1,0b11,0\n3,4,1\n5,6,0\n')).rejects.toThrow(/:2, column 2 \("b"\): "0b11" is not a decimal number$/);
    await expect(load('a,b,label\n1,2,0\n3,Infinity,1\n5,6,0\n')).rejects.toThrow(/:3, column 2 \("b"\): "Infinity" is not a decimal number$/);
    await expect(load('a,b,label\n1,2,0\n3,1e400,1\n5,6,0\n')).rejects.toThrow(/:3, column 2 \("b"\): 1e400 is out of range/);
    const data = await load('a,b,label\n-1.5,+2,0\n.5,3e-2,1\n7.,1E2,0\n4,5,1\n6,7,0\n', { testFraction: 0.2, validationFraction: 0 });
    expect(rows(data)).toEqual(['-1.5,2>0', `0.5,${Math.fround(0.03)}>1`, '7,100>0', '4,5>1', '6,7>0'].sort());
  });

  it('refuses class indices with gaps, naming the count found and the stray label, unless numClasses is given', async () => {
    const text = ['a,label', '1,0', '2,1', '3,2', '4,50', '5,1', '6,0', '7,2'].join('\n');
    await expect(load(text)).rejects.toThrow(
      /^the labels are 4 distinct class indices \(0, 1, 2, 50\), so classes 0 … 50 would be 51 classes with 47 never seen; the highest, 50, is first at data-\w+\.csv:5, column 2 \("label"\)\n  hint: fix a stray label, or set the csv dataset's numClasses/,
    );
    expect((await load(text, { numClasses: 51 })).numClasses).toBe(51);
    await expect(load(text, { numClasses: 10 })).rejects.toThrow(/:5, column 2 \("label"\): label 50 is not a class index below numClasses 10$/);
  });

  it('gives a precise error for a label of 1e9, not a typed-array failure', async () => {
    const error = await load('a,label\n1,0\n2,1\n3,1e9\n4,1\n5,0\n').catch((caught: Error) => caught);
    expect(error).toBeInstanceOf(UserError);
    expect((error as Error).message).toMatch(/^the labels are 3 distinct class indices \(0, 1, 1000000000\), so classes 0 … 1000000000 would be 1000000001 classes .* the highest, 1e9, is first at data-\w+\.csv:4/);
  });

  it('suggests the nearest column for an unknown label column', async () => {
    await expect(load(iris, { labelColumn: 'specis' })).rejects.toThrow('has no column "specis"; did you mean "species"? valid: a, b, species');
  });

  it('rejects an unclosed quote and a file with only a header', async () => {
    await expect(load('a,b\n1,"2\n')).rejects.toThrow(/:2: a quoted cell is not closed$/);
    await expect(load('a,b,label\n')).rejects.toThrow(/has no data rows$/);
  });
});

describe('csv records', () => {
  it('parses doubled quotes inside quoted cells and trims unquoted cells', () => {
    expect(parseCsv(' 1 , "say ""hi""" ,x\n')).toEqual([{ line: 1, cells: ['1', 'say "hi"', 'x'] }]);
  });

  it('accepts another delimiter', () => {
    expect(parseCsv('1;2\n3;4', ';').map((r) => r.cells)).toEqual([['1', '2'], ['3', '4']]);
  });
});
