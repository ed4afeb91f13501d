import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createLogger } from '@talkrec/platform';
import { loadCaptureConfig } from '../../config.js';
import { processStartTicks } from './proc.js';
import { ProcessSupervisor } from './supervisor.js';

const log = createLogger({ service: 't', instanceId: 't', level: 'silent' });

describe('ProcessSupervisor', () => {
  const dirs: string[] = [];
  afterAll(async () => {
    for (const d of dirs) await rm(d, { recursive: true, force: true });
  });

  const workDir = async () => {
    const d = await mkdtemp(path.join(tmpdir(), 'capture-procs-'));
    dirs.push(d);
    return d;
  };

  it('kills what a dead earlier run left running and removes its folder, but spares a live run', async () => {
    const dir = await workDir();
    const leftover = spawn('sleep', ['300'], { detached: true, stdio: 'ignore' });
    const exited = new Promise((r) => leftover.once('exit', r));
    const dead = path.join(dir, 'owner-999999-1');
    await mkdir(path.join(dead, 'procs'), { recursive: true });
    await writeFile(
      path.join(dead, 'procs', String(leftover.pid)),
      JSON.stringify({ name: 'sleep', ticks: processStartTicks(leftover.pid!) }),
    );
    const alive = path.join(dir, `owner-${process.pid}-${processStartTicks(process.pid)}`);
    await mkdir(alive, { recursive: true });

    await new ProcessSupervisor(loadCaptureConfig({ WORK_DIR: dir }), log).init();
    await exited;
    expect(existsSync(dead)).toBe(false);
    expect(existsSync(alive)).toBe(true);
  });

  it('stops a child with one signal, kills it as a group when it does not go, and lists it meanwhile', async () => {
    const procs = new ProcessSupervisor(loadCaptureConfig({ WORK_DIR: await workDir() }), log);
    await procs.init();
    let trapped!: () => void;
    const ignoresTerm = new Promise<void>((r) => (trapped = r));
    const stubborn = procs.spawn('stubborn', 'sh', ['-c', "trap '' TERM; echo trapped; sleep 300 & wait"], {
      onStdout: () => trapped(),
    });
    await Promise.all([stubborn.listed, ignoresTerm]);
    expect(existsSync(path.join(procs.ownerDir, 'procs', String(stubborn.pid)))).toBe(true);
    const exit = await stubborn.stop('SIGTERM', 500);
    expect(exit.signal).toBe('SIGKILL');
    expect(existsSync(path.join(procs.ownerDir, 'procs', String(stubborn.pid)))).toBe(false);
  });
});
