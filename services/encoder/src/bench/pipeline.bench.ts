import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadEncoderConfig } from '../config.js';
import { Ffmpeg } from '../adapters/ffmpeg/ffmpeg.js';
import type { JobResult, JobSpec } from './pipeline-job.js';
import { HD, SD, makeReference, ssim } from './pipeline-reference.js';

/**
 * Whole-pipeline figures (../shared/docs/bench.md): CPU-seconds per recorded minute, bytes and SSIM of
 * talkrec (capture stage + encoder stage + assembly) next to one-pass ffmpeg runs with Talked's and the
 * official recorder's settings (../shared/docs/peers.md), all encoding the same lossless grab of a
 * call-like window (pipeline-reference.ts). Runs go A B C A B C so drift hits all three alike, and every
 * ratio is taken within a run. The source is 30 s long: a 60 s one (`--seconds 60`) takes about twice the
 * wall time, over 6 minutes on a busy 2-core box. `--quick`: one 20 s run, for iterating on this file;
 * `--keep` leaves the scratch folder (reference, outputs, SSIM logs) in place.
 */
const METRICS = [
  'pipeline.cpu_s_per_min',
  'pipeline.bytes_per_min',
  'pipeline.cpu_ratio_vs_official',
  'pipeline.cpu_ratio_vs_talked',
  'pipeline.ssim',
  'baseline.talked.cpu_s_per_min',
  'baseline.talked.bytes_per_min',
  'baseline.talked.ssim',
  'baseline.official.cpu_s_per_min',
  'baseline.official.bytes_per_min',
  'baseline.official.ssim',
] as const;
type MetricName = (typeof METRICS)[number];

const FPS = 30;
const SEGMENT_S = 10;
/** Our goal against the official recorder: at most this share of its CPU, at equal or better SSIM. */
const TARGET_RATIO = 0.6;
const JOB_SCRIPT = fileURLToPath(new URL('./pipeline-job.js', import.meta.url));

function option(name: string): string | undefined {
  const at = process.argv.indexOf(name);
  return at >= 0 ? process.argv[at + 1] : undefined;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

const round = (v: number, digits: number) => Number(v.toFixed(digits));
const progress = (text: string) => process.stderr.write(`# pipeline: ${text}\n`);

/** A measured job in its own process (see pipeline-job.ts), so side-by-side jobs keep their CPU apart. */
function runJob(spec: JobSpec): Promise<JobResult> {
  const child = spawn(process.execPath, [JOB_SCRIPT, JSON.stringify(spec)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => {
      if (code !== 0) reject(new Error(`${spec.kind} job exited with ${code}`));
      else resolve(JSON.parse(out.trim().split('\n').pop()!) as JobResult);
    });
  });
}

/** Runs the tasks in order, `width` at a time. */
async function inLanes<T>(tasks: Array<() => Promise<T>>, width: number): Promise<T[]> {
  const results: T[] = [];
  let next = 0;
  const lane = async () => {
    while (next < tasks.length) {
      const i = next++;
      results[i] = await tasks[i]!();
    }
  };
  await Promise.all(Array.from({ length: Math.min(width, tasks.length) }, lane));
  return results;
}

type Score = Awaited<ReturnType<typeof ssim>>;

interface Run {
  talkrec: JobResult;
  talked: JobResult;
  official: JobResult;
  decodeSd: JobResult;
  decodeHd: JobResult;
}

async function main(): Promise<void> {
  const prefix = option('--only') ?? process.env.BENCH_ONLY ?? '';
  if (!METRICS.some((m) => m.startsWith(prefix))) return;
  const quick = process.argv.includes('--quick');
  const seconds = Number(option('--seconds') ?? (quick ? 20 : 30));
  const runs = Number(option('--runs') ?? (quick ? 1 : 3));
  const width = Number(option('--jobs') ?? 2);
  const wall0 = performance.now();
  const load0 = loadavg()[0]!;
  const dir = await mkdtemp(path.join(tmpdir(), 'talkrec-pipeline-bench-'));
  try {
    const ffmpeg = new Ffmpeg(loadEncoderConfig({ WORK_DIR: dir }));
    const frontEndS = Math.min(5, seconds / 4);
    const frontEnd: { sd?: JobResult; hd?: JobResult } = {};
    progress(`making the ${seconds} s reference (Chromium on Xvfb, grabbed in real time)`);
    const ref = await makeReference(
      ffmpeg,
      dir,
      seconds,
      FPS,
      async (display) => {
        const job = { kind: 'front-end', display, fps: FPS, seconds: frontEndS } as const;
        frontEnd.sd = await runJob({ ...job, ...SD });
        frontEnd.hd = await runJob({ ...job, ...HD });
      },
      (text) => progress(`${text} (${((performance.now() - wall0) / 1000).toFixed(0)} s)`),
    );
    progress(`reference ready after ${((performance.now() - wall0) / 1000).toFixed(0)} s`);

    const results: Run[] = [];
    const tasks: Array<() => Promise<void>> = [];
    for (let r = 0; r < runs; r++) {
      const runDir = path.join(dir, `run-${r}`);
      await mkdir(path.join(runDir, 'talkrec'), { recursive: true });
      const into = (key: keyof Run, spec: JobSpec) => async () => {
        const result = await runJob(spec);
        (results[r] ??= {} as Run)[key] = result;
        progress(`run ${r + 1} ${key}: ${result.cpuS.toFixed(1)} CPU-s in ${result.wallS.toFixed(1)} s`);
      };
      const sd = { video: ref.sd, audio: ref.audio };
      const hd = { video: ref.hd, audio: ref.audio };
      tasks.push(
        into('talkrec', {
          kind: 'talkrec',
          ...sd,
          dir: path.join(runDir, 'talkrec'),
          segmentS: SEGMENT_S,
          geometry: { ...SD, fps: FPS },
        }),
        into('talked', { kind: 'talked', ...sd, target: path.join(runDir, 'talked.mp4') }),
        into('official', { kind: 'official', ...hd, target: path.join(runDir, 'official.webm') }),
        into('decodeSd', { kind: 'decode', ...sd }),
        into('decodeHd', { kind: 'decode', ...hd }),
      );
    }
    await inLanes(tasks, width);

    const last = path.join(dir, `run-${runs - 1}`);
    progress('SSIM of the last run against the reference');
    const [talkrecSsim, talkedSsim, officialSsim] = (await inLanes(
      [
        () => ssim(ffmpeg, FPS, results[runs - 1]!.talkrec.file!, ref.sd, path.join(dir, 'ssim-talkrec.log')),
        () => ssim(ffmpeg, FPS, path.join(last, 'talked.mp4'), ref.sd, path.join(dir, 'ssim-talked.log')),
        () =>
          ssim(ffmpeg, FPS, path.join(last, 'official.webm'), ref.hd, path.join(dir, 'ssim-official.log')),
      ],
      width,
    )) as [Score, Score, Score];

    const minutes = seconds / 60;
    const perMin = (cpuS: number) => cpuS / minutes;
    const talkrecCpu = results.map((r) => perMin(r.talkrec.cpuS - r.decodeSd.cpuS));
    const talkedCpu = results.map((r) => perMin(r.talked.cpuS - r.decodeSd.cpuS));
    const officialCpu = results.map((r) => perMin(r.official.cpuS - r.decodeHd.cpuS));
    const vsOfficial = median(talkrecCpu.map((c, i) => c / officialCpu[i]!));
    const vsTalked = median(talkrecCpu.map((c, i) => c / talkedCpu[i]!));
    // The grab front end differs by window size, so the whole-recorder ratio is worth stating too.
    const frontEndSd = (frontEnd.sd!.cpuS * 60) / frontEndS;
    const frontEndHd = (frontEnd.hd!.cpuS * 60) / frontEndS;
    const withFrontEnd = (base: number[], baseFrontEnd: number) =>
      median(talkrecCpu.map((c, i) => (c + frontEndSd) / (base[i]! + baseFrontEnd))).toFixed(3);
    const stage = (key: 'capture' | 'parts' | 'assembly') =>
      median(results.map((r) => perMin(r.talkrec.stages![key]))).toFixed(1);
    const ownCpu = median(results.map((r) => perMin(r.talkrec.ownCpuS))).toFixed(2);
    const decodeSd = median(results.map((r) => perMin(r.decodeSd.cpuS))).toFixed(2);
    const decodeHd = median(results.map((r) => perMin(r.decodeHd.cpuS))).toFixed(2);
    const bytes = (key: 'talkrec' | 'talked' | 'official') =>
      median(results.map((r) => r[key].bytes! / minutes));
    const lastRun = (key: 'talkrec' | 'talked' | 'official', s: Score) =>
      `last run (${new Set(results.map((r) => r[key].bytes)).size === 1 ? 'every run wrote the same bytes' : 'sizes varied between runs'})` +
      (s.frames === ref.frames ? '' : `; compared ${s.frames} of ${ref.frames} frames`);

    const source = `${seconds} s ${ref.origin}; all read it as raw yuv420p 1080p / bicubic 720p + 440/1000 Hz tones`;
    const method =
      `user+sys of each recorder's ffmpeg, minus a decode-only pass of the same input (720p ${decodeSd}, ` +
      `1080p ${decodeHd} CPU-s/min); every encoder -threads 1; median of ${results.length} runs A B C, ${width} jobs at a time`;
    const excluded =
      `not included, the same for every recorder at a size: x11grab + bgr0→yuv420p ` +
      `${frontEndSd.toFixed(1)} CPU-s/min at 720p, ${frontEndHd.toFixed(1)} at 1080p (${frontEndS} s each)`;
    const load = `load ${load0.toFixed(1)}→${loadavg()[0]!.toFixed(1)} on ${availableParallelism()} cores`;
    const vp8 =
      'VP8 -deadline realtime adapts its speed to the wall time each frame takes, so on a loaded box it ' +
      'spends less CPU (and quality) than on an idle one';
    const targetMet = vsOfficial <= TARGET_RATIO && talkrecSsim.all >= officialSsim.all;
    const notes: Record<MetricName, string> = {
      'pipeline.cpu_s_per_min':
        `talkrec 720p30: capture stage (x264 ultrafast crf 18 + PCM, ${SEGMENT_S} s segments) ${stage('capture')} + ` +
        `encoder parts (inspect ×2, x264 veryfast crf 25 + AAC 128k via PartEncoder) ${stage('parts')} + ` +
        `assembly and poster ${stage('assembly')} CPU-s/min, encoder's own Node work ${ownCpu} included; ` +
        `${source}; ${method}; ${excluded}; ${load}`,
      'pipeline.bytes_per_min': `talkrec's delivered MP4 (H.264 crf 25 + AAC 128k, 720p30); ${source}`,
      'pipeline.cpu_ratio_vs_official':
        `talkrec 720p ÷ official 1080p VP8/Opus, per run; target ≤ ${TARGET_RATIO} at equal or better SSIM: ` +
        `${targetMet ? 'met' : 'not met'} (SSIM ${talkrecSsim.all.toFixed(4)} at 720p vs ` +
        `${officialSsim.all.toFixed(4)} at 1080p); with each one's x11grab front end added: ` +
        `${withFrontEnd(officialCpu, frontEndHd)}; ${vp8}; ${load}`,
      'pipeline.cpu_ratio_vs_talked':
        `talkrec ÷ Talked one-pass (x264 veryfast crf 25 + AAC 160k), both 720p30, per run; with the ` +
        `x11grab front end added: ${withFrontEnd(talkedCpu, frontEndSd)}; ${load}`,
      'pipeline.ssim': `talkrec's delivered MP4 vs the raw 720p reference, ffmpeg ssim All, ${lastRun('talkrec', talkrecSsim)}`,
      'baseline.talked.cpu_s_per_min': `one-pass ffmpeg libx264 veryfast crf 25 yuv420p + AAC 160k, 720p30 (MetaProvide/talked ffmpeg.py); ${method}`,
      'baseline.talked.bytes_per_min': 'Talked settings, MP4, 720p30',
      'baseline.talked.ssim': `Talked settings vs the raw 720p reference, ffmpeg ssim All, ${lastRun('talked', talkedSsim)}`,
      'baseline.official.cpu_s_per_min':
        `one-pass ffmpeg libvpx -deadline:v realtime -crf 10 -b:v 1M + libopus (default 96k), 1920x1080 30 fps ` +
        `(nextcloud-talk-recording server.conf.in); ${vp8}; ${method}`,
      'baseline.official.bytes_per_min': 'official settings, WebM VP8 + Opus, 1080p30',
      'baseline.official.ssim': `official settings vs the raw 1080p reference, ffmpeg ssim All, ${lastRun('official', officialSsim)}`,
    };
    const values: Record<MetricName, [number, string, number]> = {
      'pipeline.cpu_s_per_min': [round(median(talkrecCpu), 2), 's', runs],
      'pipeline.bytes_per_min': [Math.round(bytes('talkrec')), 'B', runs],
      'pipeline.cpu_ratio_vs_official': [round(vsOfficial, 3), 'ratio', runs],
      'pipeline.cpu_ratio_vs_talked': [round(vsTalked, 3), 'ratio', runs],
      'pipeline.ssim': [round(talkrecSsim.all, 4), '0..1', 1],
      'baseline.talked.cpu_s_per_min': [round(median(talkedCpu), 2), 's', runs],
      'baseline.talked.bytes_per_min': [Math.round(bytes('talked')), 'B', runs],
      'baseline.talked.ssim': [round(talkedSsim.all, 4), '0..1', 1],
      'baseline.official.cpu_s_per_min': [round(median(officialCpu), 2), 's', runs],
      'baseline.official.bytes_per_min': [Math.round(bytes('official')), 'B', runs],
      'baseline.official.ssim': [round(officialSsim.all, 4), '0..1', 1],
    };
    for (const metric of METRICS) {
      if (!metric.startsWith(prefix)) continue;
      const [value, unit, n] = values[metric];
      process.stdout.write(`${JSON.stringify({ metric, value, unit, n, note: notes[metric] })}\n`);
    }
    progress(`done in ${((performance.now() - wall0) / 1000).toFixed(0)} s wall`);
  } finally {
    if (process.argv.includes('--keep')) progress(`kept ${dir}`);
    else await rm(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`pipeline bench failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
