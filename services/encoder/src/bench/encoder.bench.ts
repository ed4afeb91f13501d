import 'reflect-metadata';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import type { EncodeSegmentJob, OutputProfile, SegmentRef, VideoGeometry } from '@talkrec/contracts';
import { loadEncoderConfig } from '../config.js';
import { Ffmpeg } from '../adapters/ffmpeg/ffmpeg.js';
import { planPart } from '../core/part-plan.js';
import { PartEncoder } from '../work/part-encoder.js';
import { SegmentInspector } from '../work/segment-inspector.js';
import { makeSyntheticCapture } from './synthetic-capture.js';

/**
 * Encoder figures (shared/docs/bench.md): one 720p30 part of a 10 s capture segment at a time, x264
 * veryfast crf 25 + AAC 128k, every ffmpeg at `-threads 1`, from the capture format on local disk
 * (the object-store download is left out: it is a copy, not encoder work). Median of RUNS runs.
 */
const RUNS = 5;
const SEGMENT_S = 10;
const geometry: VideoGeometry = { width: 1280, height: 720, fps: 30 };
const output: OutputProfile = {
  kind: 'video',
  container: 'mp4',
  crf: 25,
  preset: 'veryfast',
  audioBitrateKbps: 128,
};

/** CPU seconds of this process and its waited-for children (ffmpeg), from /proc (Linux). */
async function cpuSeconds(): Promise<number> {
  const fields = (await readFile('/proc/self/stat', 'utf8')).split(') ')[1]!.split(' ');
  // utime, stime, cutime, cstime are fields 14–17 of stat, i.e. 11–14 after the command name.
  const ticks = [11, 12, 13, 14].reduce((sum, i) => sum + Number(fields[i]), 0);
  return ticks / 100;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

function line(prefix: string, metric: string, value: number, unit: string, note: string) {
  if (!metric.startsWith(prefix)) return;
  process.stdout.write(
    `${JSON.stringify({ metric, value: Number(value.toFixed(3)), unit, n: RUNS, note })}\n`,
  );
}

async function main(): Promise<void> {
  const only = process.argv.indexOf('--only');
  const prefix = only >= 0 ? (process.argv[only + 1] ?? '') : '';
  if (!'encode.'.startsWith(prefix) && !prefix.startsWith('encode.')) return;
  const dir = await mkdtemp(path.join(tmpdir(), 'talkrec-encoder-bench-'));
  try {
    const config = loadEncoderConfig({ ENCODE_THREADS: '1', WORK_DIR: dir });
    const ffmpeg = new Ffmpeg(config);
    const reader = new SegmentInspector(ffmpeg);
    const encoder = new PartEncoder(config, ffmpeg);
    const segments = await makeSyntheticCapture(
      ffmpeg,
      { segmentS: SEGMENT_S, count: 3, video: geometry, audioOffsetS: 0.12 },
      dir,
    );
    const refs: SegmentRef[] = segments.map((s) => ({
      index: s.index,
      object: s.file,
      container: 'mkv',
      startMs: s.startMs,
      durationMs: s.durationMs,
      sha256: '0'.repeat(64),
      hasVideo: true,
      hasAudio: true,
      gapBeforeMs: 0,
    }));
    const speeds: number[] = [];
    const cpuPerMin: number[] = [];
    for (let run = 0; run < RUNS; run++) {
      const i = 1 + (run % 2);
      const job: EncodeSegmentJob = {
        v: 1,
        recordingId: 'rec_00000000000000000000000000',
        at: new Date().toISOString(),
        segment: refs[i]!,
        previous: refs[i - 1]!,
        output,
        video: geometry,
      };
      const work = await mkdtemp(path.join(dir, `run${run}-`));
      const cpu0 = await cpuSeconds();
      const wall0 = performance.now();
      const current = await reader.inspect(refs[i]!, segments[i]!.file, work, 'current', geometry.fps, {});
      const previous = await reader.inspect(
        refs[i - 1]!,
        segments[i - 1]!.file,
        work,
        'previous',
        geometry.fps,
        {},
      );
      const plan = planPart(job, { current: current.layout, previous: previous.layout });
      await encoder.encode(job, plan, { current, previous }, work, 'bench', {});
      const wallS = (performance.now() - wall0) / 1000;
      const cpuS = (await cpuSeconds()) - cpu0;
      const mediaS = plan.durationMs / 1000;
      speeds.push(mediaS / wallS);
      cpuPerMin.push((cpuS / mediaS) * 60);
      process.stdout.write(
        `# run ${run + 1}: ${mediaS.toFixed(2)} s of 720p30 in ${wallS.toFixed(2)} s wall, ${cpuS.toFixed(2)} CPU-s\n`,
      );
    }
    const note = `720p30 10 s testsrc2 parts from the capture format, x264 veryfast crf 25 + AAC 128k, -threads 1; load average ${loadavg()[0]!.toFixed(1)} on ${availableParallelism()} cores`;
    line(prefix, 'encode.speed_x_realtime', median(speeds), 'x', note);
    line(prefix, 'encode.cpu_s_per_min', median(cpuPerMin), 's', note);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`encoder bench failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
