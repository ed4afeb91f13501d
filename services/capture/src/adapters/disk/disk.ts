import { mkdirSync, statfsSync } from 'node:fs';

/** Free bytes available to this process on the disk holding `dir` (created if missing). */
export function freeBytes(dir: string): number {
  mkdirSync(dir, { recursive: true });
  const s = statfsSync(dir);
  return s.bavail * s.bsize;
}
