import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  ManagedProcess,
  WORKSPACE_ROOT,
  freePort,
  removeDir,
  tempDir,
  waitForHttpOk,
} from '@talkrec/testing';

/** Pids whose parent is `pid`, read from /proc. */
function childrenOf(pid: number): number[] {
  return readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .flatMap((d) => {
      try {
        const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
        const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
        return ppid === pid ? [Number(d)] : [];
      } catch {
        return [];
      }
    });
}

function descendantsOf(pid: number): number[] {
  const direct = childrenOf(pid);
  return [...direct, ...direct.flatMap(descendantsOf)];
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return !readFileSync(`/proc/${pid}/stat`, 'utf8').includes(') Z ');
  } catch {
    return false;
  }
};

/** Four consecutive free ports above a base. */
async function freePortBase(): Promise<number> {
  for (;;) {
    const base = (await freePort()) - 1;
    const ports = await Promise.all([1, 2, 3, 4].map(() => freePort()));
    if (ports.length === 4 && base > 1024 && base < 65000) {
      const probes = await Promise.all(
        [1, 2, 3, 4].map(
          (i) =>
            new Promise<boolean>((resolve) => {
              fetch(`http://127.0.0.1:${base + i}/`).then(
                () => resolve(false),
                () => resolve(true),
              );
            }),
        ),
      );
      if (probes.every(Boolean)) return base;
    }
  }
}

describe('npm start (the embedded default)', () => {
  let home: string;
  afterAll(async () => {
    if (home) await removeDir(home);
  });

  it('brings up NATS and the four services ready within 15 s, and Ctrl-C leaves nothing running', async () => {
    home = await tempDir('home');
    const base = await freePortBase();
    const natsPort = await freePort();
    const launcher = new ManagedProcess({
      name: 'launcher',
      command: process.execPath,
      args: [path.join(WORKSPACE_ROOT, 'tools/launcher/dist/main.js')],
      env: {
        PATH: process.env.PATH ?? '',
        HOME: home,
        TALKREC_HOME: home,
        TALKREC_NATS_PORT: String(natsPort),
        TALKREC_OPS_PORT_BASE: String(base),
      },
      logFile: path.join(home, 'launcher.log'),
    });
    const started = Date.now();
    await Promise.all([1, 2, 3, 4].map((i) => waitForHttpOk(`http://127.0.0.1:${base + i}/readyz`, 15_000)));
    const readyAfterMs = Date.now() - started;
    expect(readyAfterMs).toBeLessThan(15_000);

    const tree = descendantsOf(launcher.pid!);
    // nats-server + four services (plus whatever the services start themselves).
    expect(tree.length).toBeGreaterThanOrEqual(5);
    expect(readdirSync(path.join(home, 'var', 'nats'))).toContain('store');

    launcher.child.kill('SIGINT');
    expect(await launcher.waitForExit()).toBe(0);
    expect(tree.filter(alive)).toEqual([]);
  });
});
