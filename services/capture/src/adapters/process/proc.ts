import { readFileSync } from 'node:fs';

/**
 * The kernel's start time of a process (clock ticks since boot, /proc/<pid>/stat field 22): together
 * with the pid it names one process, even after the pid is reused. Undefined when it is gone or a zombie.
 */
export function processStartTicks(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (fields[0] === 'Z') return undefined;
    return fields[19];
  } catch {
    return undefined;
  }
}

/** Signals a whole process group, then the leader (in case it left the group); gone is fine. */
export function killGroup(pid: number, signal: NodeJS.Signals): void {
  for (const target of [-pid, pid]) {
    try {
      process.kill(target, signal);
    } catch {
      // Already gone.
    }
  }
}
