// Makes any string a valid MLflow metric, param or tag key. MLflow accepts `^[/\w.\- :]*$` (colon not on Windows
// servers, `\w` being Unicode) and rejects names that `posixpath.normpath` would change. distill keeps to the portable
// subset so a key is valid on every server:
//   - a character other than A-Z a-z 0-9 _ - . space / becomes `_` (so `acc@1` -> `acc_1`, `loss:kd` -> `loss_kd`);
//   - empty path segments go (`a//b` -> `a/b`, `/a/` -> `a`), a segment `.` becomes `_`, `..` becomes `__`,
//     and a key starting with `..` starts with `__` instead;
//   - an empty key becomes `_`;
//   - a key over 250 characters keeps its first 241 and ends in `-` plus 8 hex digits of its SHA-1 (still unique).
// Keys that are valid already are returned unchanged.
import { createHash } from 'node:crypto';
import { MLFLOW_LIMITS } from './mlflow-limits.js';

const INVALID_CHARACTER = /[^A-Za-z0-9_\-. /]/g;

export function sanitizeKey(key: string): string {
  const segments = key
    .replace(INVALID_CHARACTER, '_')
    .split('/')
    .filter((segment) => segment !== '')
    .map((segment) => (segment === '.' ? '_' : segment === '..' ? '__' : segment));
  let clean = segments.join('/');
  if (clean.startsWith('..')) clean = `__${clean.slice(2)}`;
  if (clean === '') clean = '_';
  if (clean.length > MLFLOW_LIMITS.keyLength) {
    const digest = createHash('sha1').update(key).digest('hex').slice(0, 8);
    clean = `${clean.slice(0, MLFLOW_LIMITS.keyLength - 9)}-${digest}`;
  }
  return clean;
}
