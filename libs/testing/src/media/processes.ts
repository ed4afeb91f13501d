import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';

/** Live processes whose command line contains `needle` (zombies excluded). */
export function processesWith(needle: string): Array<{ pid: number; cmd: string }> {
  const found: Array<{ pid: number; cmd: string }> = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(path.join('/proc', entry, 'stat'), 'utf8');
      if (stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z')) continue;
      const cmd = readFileSync(path.join('/proc', entry, 'cmdline'), 'utf8').replaceAll('\0', ' ');
      if (cmd.includes(needle)) found.push({ pid: Number(entry), cmd });
    } catch {
      // Gone while reading.
    }
  }
  return found;
}

/** Waits until no process command line contains `needle` (process exits have no event to await here). */
export async function noProcessesWith(
  needle: string,
  timeoutMs = 10_000,
): Promise<Array<{ pid: number; cmd: string }>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const left = processesWith(needle);
    if (left.length === 0 || Date.now() > deadline) return left;
    await new Promise((r) => setTimeout(r, 200));
  }
}
