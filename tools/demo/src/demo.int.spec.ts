import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  DEFAULT_MEMBERS,
  WORKSPACE_ROOT,
  bandLevelDb,
  probe,
  removeDir,
  tempDir,
  videoStats,
} from '@talkrec/testing';

const SECONDS = 15;

interface DemoSummary {
  file: string;
  nextcloudPath: string;
  durationS: number;
  codecs: string[];
  bytes: number;
  sharedToRoom: boolean;
  callEndToAvailableS: number;
}

describe('npm run demo', () => {
  const dirs: string[] = [];
  afterAll(async () => {
    for (const d of dirs) await removeDir(d);
  });

  it('records the synthetic call automatically and leaves a playable file with motion and both voices', async () => {
    const out = await tempDir('demo-out');
    dirs.push(out);
    const demo = spawn(
      process.execPath,
      [
        path.join(WORKSPACE_ROOT, 'tools/demo/dist/main.js'),
        '--seconds',
        String(SECONDS),
        '--out',
        out,
        '--json',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let output = '';
    demo.stdout.on('data', (b: Buffer) => (output += b.toString()));
    demo.stderr.on('data', (b: Buffer) => (output += b.toString()));
    const code = await new Promise<number | null>((resolve) => demo.once('close', resolve));
    process.stdout.write(output);
    expect(code, output).toBe(0);
    // Progress is visible while it runs: stages and segments.
    expect(output).toMatch(/captured segment 0 /);
    expect(output).toMatch(/encoded segment 0 /);
    expect(output).toMatch(/state uploading → done/);

    const summary = JSON.parse(
      output
        .trim()
        .split('\n')
        .findLast((l) => l.startsWith('{'))!,
    ) as DemoSummary;
    expect(summary.nextcloudPath).toMatch(/^\/remote\.php\/dav\/files\/recorder\/.+\.mp4$/);
    expect(summary.sharedToRoom).toBe(true);
    expect(existsSync(summary.file)).toBe(true);
    const info = await probe(summary.file);
    expect(info.streams.map((s) => s.codec_name).sort()).toEqual(['aac', 'h264']);
    expect(summary.durationS).toBeGreaterThanOrEqual(SECONDS - 1);
    const video = await videoStats(summary.file);
    expect(video.meanLuma).toBeGreaterThan(30);
    expect(video.distinctShare).toBeGreaterThan(0.8);

    const [alice, bob] = DEFAULT_MEMBERS;
    const levels = {
      alice: await bandLevelDb(summary.file, alice!.toneHz),
      bob: await bandLevelDb(summary.file, bob!.toneHz),
      neither: await bandLevelDb(summary.file, 2500),
    };
    process.stdout.write(`band levels (dB): ${JSON.stringify(levels)}\n`);
    expect(levels.alice).toBeGreaterThan(-45);
    expect(levels.bob).toBeGreaterThan(-45);
    expect(levels.neither).toBeLessThan(Math.min(levels.alice, levels.bob) - 15);
  }, 300_000);
});
