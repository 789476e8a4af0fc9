// Run ids: sortable by start time, unique without coordination (`20261128-143012-3f9a1c`).
import { randomBytes } from 'node:crypto';

export function createRunId(now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return `${stamp}-${randomBytes(3).toString('hex')}`;
}
