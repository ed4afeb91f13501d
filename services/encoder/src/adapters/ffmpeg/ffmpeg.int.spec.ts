import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadEncoderConfig } from '../../config.js';
import { RUN_OPTIONS, type FfmpegCommand } from '../../core/argv/command.js';
import { Ffmpeg, FfmpegError } from './ffmpeg.js';

describe('the ffmpeg adapter against the real binaries', () => {
  let dir: string;
  const ffmpeg = new Ffmpeg(loadEncoderConfig({ FFMPEG_TIMEOUT_S: '60' }));
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'talkrec-ffmpeg-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const clip = (target: string, seconds: string, extra: string[] = []): FfmpegCommand => ({
    inputs: [
      { options: [...RUN_OPTIONS, '-f', 'lavfi'], source: 'testsrc2=size=320x240:rate=30' },
      { options: ['-f', 'lavfi'], source: 'sine=f=440:r=48000' },
    ],
    outputs: [
      {
        options: [
          '-map',
          '0:v',
          '-map',
          '1:a',
          '-t',
          seconds,
          '-c:v',
          'libx264',
          '-preset',
          'ultrafast',
          '-c:a',
          'aac',
          ...extra,
          '-f',
          'mp4',
        ],
        target,
      },
    ],
  });

  it('runs a command with options containing spaces, reports progress, and probes the result', async () => {
    const file = path.join(dir, 'clip with space.mp4');
    const progress: number[] = [];
    const result = await ffmpeg.run(clip(file, '2', ['-metadata', 'title=a b']), {
      onProgress: (s) => progress.push(s),
    });
    expect(result.errorLines).toEqual([]);
    expect(progress.at(-1)).toBeGreaterThan(1.9);
    const probe = await ffmpeg.probe(file, true);
    expect(probe).toMatchObject({
      video: { codec: 'h264', width: 320, height: 240, fps: 30, packets: 60 },
      audio: { codec: 'aac', sampleRate: 48_000, channels: 1 },
    });
    expect(probe.durationS).toBeGreaterThan(1.99);
  });

  it('fails with ffmpeg’s own error line', async () => {
    const err = await ffmpeg
      .run({
        inputs: [{ options: [...RUN_OPTIONS], source: path.join(dir, 'missing.mkv') }],
        outputs: [{ options: ['-f', 'null'], target: '-' }],
      })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FfmpegError);
    expect((err as FfmpegError).code).toBe('ffmpeg_failed');
    expect((err as FfmpegError).line).toMatch(/missing\.mkv: No such file or directory/);
    const probeErr = await ffmpeg.probe(path.join(dir, 'missing.mkv')).catch((e: unknown) => e);
    expect((probeErr as FfmpegError).code).toBe('ffprobe_failed');
  });

  it('kills ffmpeg when the job is aborted', async () => {
    const abort = new AbortController();
    const file = path.join(dir, 'long.mp4');
    const running = ffmpeg.run(clip(file, '600'), { signal: abort.signal, onProgress: () => abort.abort() });
    const err = await running.catch((e: unknown) => e);
    expect((err as FfmpegError).code).toBe('ffmpeg_aborted');
    await expect(ffmpeg.run(clip(file, '1'), { signal: abort.signal })).rejects.toMatchObject({
      code: 'ffmpeg_aborted',
    });
    expect((await stat(file)).size).toBeLessThan(10_000_000);
  });
});
