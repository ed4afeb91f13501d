import { readFileSync, readdirSync } from 'node:fs';

/** Linux's USER_HZ (the unit of utime/stime in /proc/<pid>/stat); 100 on every mainstream kernel build. */
const CLOCK_TICKS_PER_S = 100;
const PAGE_BYTES = 4096;

interface ProcStat {
  pid: number;
  ppid: number;
  /** CPU seconds used so far (user + system). */
  cpuS: number;
  rssBytes: number;
  cmd: string;
}

function readProc(pid: number): ProcStat | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (f[0] === 'Z') return undefined;
    const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
    return {
      pid,
      ppid: Number(f[1]),
      cpuS: (Number(f[11]) + Number(f[12])) / CLOCK_TICKS_PER_S,
      rssBytes: Number(f[21]) * PAGE_BYTES,
      cmd,
    };
  } catch {
    return undefined;
  }
}

function pssBytes(pid: number): number {
  try {
    const m = /^Pss:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'));
    return m ? Number(m[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

/**
 * The processes of one capture service: the service itself, everything it started (by parent), and
 * what left its tree but still works for it (crashpad handlers, which name the service's WORK_DIR).
 */
export function serviceProcesses(servicePid: number, workDir: string): ProcStat[] {
  const all = readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .flatMap((d) => readProc(Number(d)) ?? []);
  const children = new Map<number, ProcStat[]>();
  for (const p of all) children.set(p.ppid, [...(children.get(p.ppid) ?? []), p]);
  const found = new Map<number, ProcStat>();
  const walk = (pid: number) => {
    for (const c of children.get(pid) ?? []) {
      found.set(c.pid, c);
      walk(c.pid);
    }
  };
  const self = all.find((p) => p.pid === servicePid);
  if (self) found.set(self.pid, self);
  walk(servicePid);
  for (const p of all) if (p.cmd.includes(workDir)) found.set(p.pid, p);
  return [...found.values()];
}

/** CPU seconds and RSS summed over the processes; a process that exited in between counts what it used. */
export class CpuWindow {
  private readonly start = new Map<number, number>();
  private readonly startedAt = performance.now();

  constructor(private readonly list: () => ProcStat[]) {
    for (const p of list()) this.start.set(p.pid, p.cpuS);
  }

  /**
   * Cores used since the window opened, and the memory now (MB): RSS summed (what bench.md asks for;
   * it counts pages Chromium's processes share once per process) and PSS summed (shared pages split).
   */
  read(): { cores: number; rssMb: number; pssMb: number; processes: number } {
    const now = this.list();
    const wallS = (performance.now() - this.startedAt) / 1000;
    const cpuS = now.reduce((sum, p) => sum + (p.cpuS - (this.start.get(p.pid) ?? 0)), 0);
    const rss = now.reduce((sum, p) => sum + p.rssBytes, 0);
    const pss = now.reduce((sum, p) => sum + pssBytes(p.pid), 0);
    return { cores: cpuS / wallS, rssMb: rss / 1024 / 1024, pssMb: pss / 1024 / 1024, processes: now.length };
  }
}
