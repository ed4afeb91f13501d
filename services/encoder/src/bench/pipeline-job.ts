import 'reflect-metadata';
import { mkdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import {
  CAPTURE_AUDIO_CODEC_OPTIONS,
  captureVideoCodecOptions,
  type AssembleJob,
  type EncodeSegmentJob,
  type OutputProfile,
  type SegmentRef,
  type VideoGeometry,
} from '@talkrec/contracts';
import { loadEncoderConfig } from '../config.js';
import { Ffmpeg } from '../adapters/ffmpeg/ffmpeg.js';
import { RUN_OPTIONS, type FfmpegCommand } from '../core/argv/command.js';
import { planAssembly, type StoredPart } from '../core/assembly-plan.js';
import { jobKey } from '../core/part-meta.js';
import { planPart } from '../core/part-plan.js';
import { Assembler } from '../work/assembler.js';
import { PartEncoder } from '../work/part-encoder.js';
import { SegmentInspector } from '../work/segment-inspector.js';

/**
 * One measured job of pipeline.bench.ts, run as its own Node process (`node pipeline-job.js '<spec>'`):
 * the process's CPU counters then hold exactly this job's ffmpeg children, so two jobs can run side by
 * side on the two cores without their figures mixing. Prints one JSON line (JobResult) on stdout.
 */
export type JobSpec =
  | { kind: 'talkrec'; video: string; audio: string; dir: string; segmentS: number; geometry: VideoGeometry }
  | { kind: 'talked' | 'official'; video: string; audio: string; target: string }
  | { kind: 'decode'; video: string; audio: string }
  | { kind: 'front-end'; display: string; width: number; height: number; fps: number; seconds: number };

export interface JobResult {
  /** user+sys of the job's ffmpeg (and ffprobe) children plus this process's own work, measured section only. */
  cpuS: number;
  /** The part of cpuS spent in this Node process (talkrec's PCM splicing and packet trimming). */
  ownCpuS: number;
  wallS: number;
  /** The delivered file and its size. */
  file?: string;
  bytes?: number;
  /** talkrec only: CPU-s of the capture stage, the encoder's parts and the assembly. */
  stages?: { capture: number; parts: number; assembly: number };
}

/** What a video recording asks the encoder for (as encoder.bench.ts measures it). */
const TALKREC_OUTPUT: OutputProfile = {
  kind: 'video',
  container: 'mp4',
  crf: 25,
  preset: 'veryfast',
  audioBitrateKbps: 128,
};

const TICKS_PER_S = 100;

/** Own and reaped-children CPU seconds of this process, from /proc (Linux, 100 Hz ticks). */
async function cpuCounters(): Promise<{ own: number; children: number }> {
  const stat = await readFile('/proc/self/stat', 'utf8');
  // Fields after the command name: utime, stime, cutime, cstime are the 12th to 15th of them.
  const f = stat
    .slice(stat.lastIndexOf(')') + 2)
    .split(' ')
    .map(Number);
  return { own: (f[11]! + f[12]!) / TICKS_PER_S, children: (f[13]! + f[14]!) / TICKS_PER_S };
}

async function measure(work: () => Promise<void>): Promise<{ cpuS: number; ownCpuS: number; wallS: number }> {
  const before = await cpuCounters();
  const wall0 = performance.now();
  await work();
  const wallS = (performance.now() - wall0) / 1000;
  const after = await cpuCounters();
  const ownCpuS = after.own - before.own;
  return { cpuS: ownCpuS + after.children - before.children, ownCpuS, wallS };
}

/**
 * The capture stage's encode, reading the lossless grab instead of the screen: the codec options are
 * capture's own (the capture format in libs/contracts), segmenting as in capture's ffmpeg-args.ts; the x11grab/pulse inputs and their wall-clock alignment (-copyts, -itsoffset, queue sizes)
 * have no meaning for a file. `-threads 1` is ours: capture lets x264 choose.
 */
function captureStageCommand(
  video: string,
  audio: string,
  geometry: VideoGeometry,
  segmentS: number,
  dir: string,
): FfmpegCommand {
  return {
    inputs: [
      { options: [...RUN_OPTIONS, '-threads', '1'], source: video },
      { options: [], source: audio },
    ],
    outputs: [
      {
        options: [
          '-map',
          '0:v',
          '-map',
          '1:a',
          ...captureVideoCodecOptions(geometry.fps, segmentS),
          '-threads',
          '1',
          '-af',
          'aresample=async=1:first_pts=0',
          ...CAPTURE_AUDIO_CODEC_OPTIONS,
          '-f',
          'segment',
          '-segment_time',
          String(segmentS),
          '-segment_format',
          'matroska',
          '-reset_timestamps',
          '1',
          '-segment_list',
          path.join(dir, 'segments.csv'),
          '-segment_list_type',
          'csv',
        ],
        target: path.join(dir, 'seg_%06d.mkv'),
      },
    ],
  };
}

/**
 * One-pass recorders as their peers run ffmpeg (../shared/docs/peers.md), audio input first as both
 * build it. Talked: MetaProvide/talked talked/ffmpeg.py (x264 veryfast crf 25, AAC 160k). Official:
 * nextcloud-talk-recording server.conf.in defaults (`-c:v libvpx -deadline:v realtime -crf 10 -b:v 1M`,
 * `-c:a libopus` at its default 96k for stereo). `-threads 1` is ours, for comparable figures.
 */
function onePassCommand(kind: 'talked' | 'official', video: string, audio: string, target: string) {
  const codecs =
    kind === 'talked'
      ? ['-pix_fmt', 'yuv420p', '-c:v', 'libx264', '-crf', '25', '-preset', 'veryfast']
      : ['-c:v', 'libvpx', '-deadline:v', 'realtime', '-crf', '10', '-b:v', '1M'];
  const audioCodec = kind === 'talked' ? ['-c:a', 'aac', '-b:a', '160k'] : ['-c:a', 'libopus'];
  const command: FfmpegCommand = {
    inputs: [
      { options: [...RUN_OPTIONS], source: audio },
      { options: ['-threads', '1'], source: video },
    ],
    outputs: [
      {
        options: [
          '-map',
          '1:v',
          '-map',
          '0:a',
          ...codecs,
          ...audioCodec,
          '-threads',
          '1',
          '-f',
          kind === 'talked' ? 'mp4' : 'webm',
        ],
        target,
      },
    ],
  };
  return command;
}

/** Reading and decoding the same inputs without encoding: subtracted from each recorder's figure. */
function decodeCommand(video: string, audio: string): FfmpegCommand {
  return {
    inputs: [
      { options: [...RUN_OPTIONS], source: audio },
      { options: ['-threads', '1'], source: video },
    ],
    outputs: [{ options: ['-map', '1:v', '-map', '0:a', '-f', 'null'], target: '/dev/null' }],
  };
}

/**
 * What every recorder pays before its encoder and no figure here includes: x11grab of the window and
 * the bgr0 → yuv420p conversion its encoder asks for.
 */
function frontEndCommand(spec: Extract<JobSpec, { kind: 'front-end' }>): FfmpegCommand {
  return {
    inputs: [
      {
        options: [
          ...RUN_OPTIONS,
          '-filter_threads',
          '1',
          '-f',
          'x11grab',
          '-draw_mouse',
          '0',
          '-framerate',
          String(spec.fps),
          '-video_size',
          `${spec.width}x${spec.height}`,
        ],
        source: `${spec.display}.0+0,0`,
      },
    ],
    outputs: [
      {
        options: ['-t', String(spec.seconds), '-vf', 'format=yuv420p', '-f', 'null'],
        target: '/dev/null',
      },
    ],
  };
}

interface Segment {
  index: number;
  file: string;
  startMs: number;
  durationMs: number;
}

async function segmentList(dir: string): Promise<Segment[]> {
  const list = await readFile(path.join(dir, 'segments.csv'), 'utf8');
  return list
    .trim()
    .split('\n')
    .map((line, index) => {
      const [name, start, end] = line.split(',');
      const startMs = Math.round(Number(start) * 1000);
      return {
        index,
        file: path.join(dir, name!),
        startMs,
        durationMs: Math.round(Number(end) * 1000) - startMs,
      };
    });
}

/**
 * talkrec end to end on one machine: the capture stage's segments, then every part as the
 * encode-segment handler makes it (both segments inspected, planned, encoded by PartEncoder), then the
 * assembly handler's join and poster. The object-store copies in between are left out.
 */
async function talkrec(spec: Extract<JobSpec, { kind: 'talkrec' }>): Promise<JobResult> {
  const config = loadEncoderConfig({ ENCODE_THREADS: '1', WORK_DIR: spec.dir });
  const ffmpeg = new Ffmpeg(config);
  const inspector = new SegmentInspector(ffmpeg);
  const encoder = new PartEncoder(config, ffmpeg);
  const assembler = new Assembler(ffmpeg);
  const { geometry } = spec;
  const captured = path.join(spec.dir, 'capture');
  await mkdir(captured, { recursive: true });
  const recordingId = 'rec_00000000000000000000000000';
  const at = new Date().toISOString();

  const capture = await measure(() =>
    ffmpeg
      .run(captureStageCommand(spec.video, spec.audio, geometry, spec.segmentS, captured))
      .then(() => undefined),
  );

  const segments = await segmentList(captured);
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
  const stored: StoredPart[] = [];
  const files = { video: [] as string[], audio: [] as string[] };
  const parts = await measure(async () => {
    for (const ref of refs) {
      const previousRef = refs[ref.index - 1];
      const job: EncodeSegmentJob = {
        v: 1,
        recordingId,
        at,
        segment: ref,
        ...(previousRef ? { previous: previousRef } : {}),
        output: TALKREC_OUTPUT,
        video: geometry,
      };
      const dir = path.join(spec.dir, `part-${ref.index}`);
      await mkdir(dir);
      const current = await inspector.inspect(ref, ref.object, dir, 'current', geometry.fps, {});
      const previous = previousRef
        ? await inspector.inspect(previousRef, previousRef.object, dir, 'previous', geometry.fps, {})
        : undefined;
      const plan = planPart(job, { current: current.layout, previous: previous?.layout });
      const made = await encoder.encode(job, plan, { current, previous }, dir, jobKey(job), {});
      const video = made.video?.meta;
      const audio = made.audio.meta;
      if (video?.kind !== 'video' || audio.kind === 'video') throw new Error(`part ${ref.index}: no video`);
      stored.push({ index: ref.index, video, audio });
      files.video.push(made.video!.file);
      files.audio.push(made.audio.file);
    }
  });

  const assembleJob: AssembleJob = {
    v: 1,
    recordingId,
    at,
    parts: refs.map((r) => ({
      index: r.index,
      object: `part-${r.index}`,
      startMs: r.startMs,
      durationMs: r.durationMs,
      gapBeforeMs: 0,
    })),
    output: TALKREC_OUTPUT,
    video: geometry,
    fileName: 'call.mp4',
    poster: true,
  };
  const final = path.join(spec.dir, 'final');
  await mkdir(final);
  let file = '';
  const assembly = await measure(async () => {
    const made = await assembler.assemble(assembleJob, planAssembly(assembleJob, stored), files, final, {});
    file = made.file;
    await assembler.poster(made.file, made.probe.durationS, final, {});
  });

  return {
    cpuS: capture.cpuS + parts.cpuS + assembly.cpuS,
    ownCpuS: capture.ownCpuS + parts.ownCpuS + assembly.ownCpuS,
    wallS: capture.wallS + parts.wallS + assembly.wallS,
    file,
    bytes: (await stat(file)).size,
    stages: { capture: capture.cpuS, parts: parts.cpuS, assembly: assembly.cpuS },
  };
}

async function run(spec: JobSpec): Promise<JobResult> {
  const ffmpeg = new Ffmpeg(loadEncoderConfig({}));
  switch (spec.kind) {
    case 'talkrec':
      return talkrec(spec);
    case 'talked':
    case 'official': {
      const command = onePassCommand(spec.kind, spec.video, spec.audio, spec.target);
      const m = await measure(() => ffmpeg.run(command).then(() => undefined));
      return { ...m, bytes: (await stat(spec.target)).size };
    }
    case 'decode':
      return measure(() => ffmpeg.run(decodeCommand(spec.video, spec.audio)).then(() => undefined));
    case 'front-end':
      return measure(() => ffmpeg.run(frontEndCommand(spec)).then(() => undefined));
  }
}

run(JSON.parse(process.argv[2] ?? '') as JobSpec)
  .then((result) => process.stdout.write(`${JSON.stringify(result)}\n`))
  .catch((err: unknown) => {
    process.stderr.write(`pipeline job failed: ${err instanceof Error ? err.stack : String(err)}\n`);
    process.exit(1);
  });
