import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import {
  NatsServer,
  ManagedProcess,
  WORKSPACE_ROOT,
  freePort,
  removeDir,
  tempDir,
  waitForHttpOk,
} from '@talkrec/testing';

interface ComposeService {
  build?: { target?: string; dockerfile?: string };
  environment?: Record<string, string>;
  profiles?: string[];
}

const compose = (...args: string[]) =>
  execFileSync('docker-compose', ['-f', path.join(WORKSPACE_ROOT, 'docker-compose.yml'), ...args], {
    cwd: WORKSPACE_ROOT,
    encoding: 'utf8',
  });

/** The CMD of each Dockerfile target (`FROM … AS <target>` … `CMD [...]`). */
function dockerfileCommands(): Record<string, string[]> {
  const text = readFileSync(path.join(WORKSPACE_ROOT, 'deploy/Dockerfile'), 'utf8');
  const commands: Record<string, string[]> = {};
  let target = '';
  for (const line of text.split('\n')) {
    const from = /^FROM\s+\S+\s+AS\s+(\S+)/i.exec(line);
    if (from) target = from[1]!;
    const cmd = /^CMD\s+(\[.*\])\s*$/.exec(line);
    if (cmd && target) commands[target] = JSON.parse(cmd[1]!) as string[];
  }
  return commands;
}

describe('docker-compose.yml', () => {
  let nats: NatsServer;
  let dir: string;
  beforeAll(async () => {
    nats = await NatsServer.start();
    dir = await tempDir('compose');
  });
  afterAll(async () => {
    await nats?.stop();
    if (dir) await removeDir(dir);
  });

  it('is valid for docker-compose, with and without the hpb profile', () => {
    expect(() => compose('config', '-q')).not.toThrow();
    expect(compose('--profile', 'hpb', 'config', '--services').split('\n').filter(Boolean).sort()).toEqual([
      'capture',
      'controller',
      'coturn',
      'encoder',
      'janus',
      'nats',
      'signaling',
      'uploader',
    ]);
  });

  it('gives every talkrec service it names an entry point that starts with its compose environment', async () => {
    const config = parse(compose('config')) as {
      services: Record<string, ComposeService>;
      secrets: Record<string, { file: string }>;
    };
    const commands = dockerfileCommands();
    const talkrec = Object.entries(config.services).filter(([, s]) => s.build?.target && !s.profiles?.length);
    expect(talkrec.map(([name]) => name).sort()).toEqual(['capture', 'controller', 'encoder', 'uploader']);
    for (const [name, svc] of talkrec) {
      const cmd = commands[svc.build!.target!];
      expect(cmd, `Dockerfile target ${svc.build!.target} has a CMD`).toBeDefined();
      expect(cmd![0]).toBe('node');
      const opsPort = await freePort();
      const env: Record<string, string> = { PATH: process.env.PATH ?? '', HOME: dir };
      const composeNats = svc.environment?.NATS_URL;
      for (const [k, v] of Object.entries(svc.environment ?? {})) {
        // Compose mounts secrets at /run/secrets/<name>; here the files they come from stand in. The
        // compose network's NATS (the bus, and the HPB's when it shares it) is the test's NATS here.
        const secret = /^\/run\/secrets\/(.+)$/.exec(v);
        env[k] = secret ? config.secrets[secret[1]!]!.file : v === composeNats ? nats.url : v;
      }
      Object.assign(env, {
        OPS_LISTEN: `127.0.0.1:${opsPort}`,
        TALK_API_LISTEN: `127.0.0.1:${await freePort()}`,
        ADMIN_API_LISTEN: 'off',
        LOCAL_RECORDINGS_DIR: path.join(dir, 'recordings'),
        WORK_DIR: path.join(dir, `work-${name}`),
      });
      const proc = new ManagedProcess({
        name,
        command: process.execPath,
        args: cmd!.slice(1).map((a) => path.join(WORKSPACE_ROOT, a)),
        env,
        logFile: path.join(dir, `${name}.log`),
      });
      try {
        await waitForHttpOk(`http://127.0.0.1:${opsPort}/readyz`, 20_000);
      } catch (err) {
        throw new Error(
          `${name} did not become ready: ${(err as Error).message}\n${proc.log().slice(-3000)}`,
        );
      } finally {
        await proc.stop();
      }
    }
  });
});
