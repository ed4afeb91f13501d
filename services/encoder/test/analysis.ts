import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { BEEP_AMPLITUDE, MARK_AT_S, TONE_HZ } from '../src/bench/synthetic-capture.js';

const run = promisify(execFile);
const RATE = 48_000;

async function decode(args: string[]): Promise<Buffer> {
  const { stdout } = await run('ffmpeg', ['-hide_banner', '-nostdin', '-loglevel', 'error', ...args, '-'], {
    encoding: 'buffer',
    maxBuffer: 1 << 30,
  });
  return stdout;
}

/** The file's first audio stream as 48 kHz stereo floats, [left, right], as a player would decode it. */
export async function decodeAudio(file: string): Promise<[Float32Array, Float32Array]> {
  const raw = await decode(['-i', file, '-map', '0:a:0', '-f', 's16le', '-ac', '2', '-ar', String(RATE)]);
  const n = raw.length / 4;
  const left = new Float32Array(n);
  const right = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    left[i] = raw.readInt16LE(i * 4) / 32768;
    right[i] = raw.readInt16LE(i * 4 + 2) / 32768;
  }
  return [left, right];
}

/** One-pass encoders with the part encoder's settings: the reference a seamless join is held to. */
export const ONE_PASS: Record<'aac' | 'mp3' | 'opus', { args: string[]; format: string }> = {
  aac: { args: ['-c:a', 'aac', '-aac_coder', 'fast', '-b:a', '128k'], format: 'mp4' },
  mp3: { args: ['-c:a', 'libmp3lame', '-b:a', '128k', '-reservoir', '0'], format: 'mp3' },
  opus: { args: ['-c:a', 'libopus', '-b:a', '64k'], format: 'ogg' },
};

/** The segments' audio concatenated and encoded in one pass, decoded. */
export async function onePassAudio(files: string[], codec: keyof typeof ONE_PASS, dir: string) {
  const id = randomUUID();
  const list = path.join(dir, `${id}.ffconcat`);
  const out = path.join(dir, `${id}.${ONE_PASS[codec].format}`);
  await writeFile(list, `ffconcat version 1.0\n${files.map((f) => `file '${f}'\n`).join('')}`);
  await run('ffmpeg', [
    '-v',
    'error',
    '-f',
    'concat',
    '-safe',
    '0',
    '-i',
    list,
    '-map',
    '0:a',
    ...ONE_PASS[codec].args,
    '-f',
    ONE_PASS[codec].format,
    out,
  ]);
  return decodeAudio(out);
}

/** Mean luma of every frame as stored (0…255): no frame duplicated or dropped on the way. */
export async function decodeLuma(file: string): Promise<Uint8Array> {
  return decode([
    '-i',
    file,
    '-map',
    '0:v:0',
    '-vf',
    'scale=1:1:flags=area,format=gray',
    '-fps_mode',
    'passthrough',
    '-f',
    'rawvideo',
  ]);
}

/** When the first video frame and the first audio sample play (Matroska shifts both by the AAC priming). */
export async function streamStarts(file: string): Promise<{ video: number; audio: number }> {
  const { stdout } = await run('ffprobe', [
    '-v',
    'error',
    '-show_entries',
    'stream=codec_type,start_time',
    '-of',
    'json',
    file,
  ]);
  const streams = (JSON.parse(stdout) as { streams: Array<{ codec_type: string; start_time: string }> })
    .streams;
  const start = (type: string) => Number(streams.find((s) => s.codec_type === type)?.start_time ?? 0);
  return { video: start('video'), audio: start('audio') };
}

/** Seconds at which the luma jumps to white, once per flash. */
export function flashOnsets(luma: Uint8Array, fps: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < luma.length; i++) {
    if (luma[i]! > 200 && (i === 0 || luma[i - 1]! <= 200)) out.push(i / fps);
  }
  return out;
}

/** Seconds at which the beep channel first reaches half the beep's amplitude, once per beep. */
export function beepOnsets(channel: Float32Array): number[] {
  const out: number[] = [];
  let lastAt = -Infinity;
  for (let i = 0; i < channel.length; i++) {
    if (Math.abs(channel[i]!) >= BEEP_AMPLITUDE / 2 && i - lastAt > RATE / 2) {
      out.push(i / RATE);
      lastAt = i;
    } else if (Math.abs(channel[i]!) >= BEEP_AMPLITUDE / 2) lastAt = i;
  }
  return out;
}

/**
 * A/V offsets (audio − video, ms) of every flash/beep pair. A 1 kHz beep crosses half its amplitude
 * within its first quarter period, so the beep onset is accurate to ±0.25 ms; a flash to one frame.
 */
export function avOffsetsMs(flashes: number[], beeps: number[], starts = { video: 0, audio: 0 }): number[] {
  return flashes.flatMap((f) => {
    const beep = beeps.find((b) => Math.abs(b + starts.audio - f - starts.video) < 0.4);
    return beep === undefined ? [] : [(beep + starts.audio - f - starts.video) * 1000];
  });
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? NaN;
}

export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))] ?? NaN;
}

const WINDOW = 256;

/**
 * How clean the steady tone channel is around the segment cuts compared with everywhere else: the
 * tone is removed with a 440 Hz notch (RBJ biquad, Q 2), and what remains (codec noise, and any click
 * or gap at a seam) is measured as RMS over 5.3 ms windows. `cutsS` are the cut times in the file;
 * windows near a beep are left out (joint stereo lets the beep leak into the tone channel).
 */
export function seamReport(tone: Float32Array, cutsS: number[], skipS = 0.3) {
  const w0 = (2 * Math.PI * TONE_HZ) / RATE;
  const alpha = Math.sin(w0) / (2 * 2);
  const [b0, b1, b2, a0, a1, a2] = [1, -2 * Math.cos(w0), 1, 1 + alpha, -2 * Math.cos(w0), 1 - alpha];
  const residual = new Float32Array(tone.length);
  let [x1, x2, y1, y2] = [0, 0, 0, 0];
  for (let i = 0; i < tone.length; i++) {
    const x = tone[i]!;
    const y = (b0 * x + b1 * x1 + b2 * x2 - a1 * y1 - a2 * y2) / a0;
    [x2, x1, y2, y1] = [x1, x, y1, y];
    residual[i] = y;
  }
  const near: number[] = [];
  const elsewhere: number[] = [];
  const end = tone.length - skipS * RATE;
  for (let start = skipS * RATE; start + WINDOW <= end; start += WINDOW) {
    let sum = 0;
    for (let i = start; i < start + WINDOW; i++) sum += residual[i]! ** 2;
    const rms = Math.sqrt(sum / WINDOW);
    const t = (start + WINDOW / 2) / RATE;
    if (cutsS.some((c) => Math.abs(c - t) < 0.05)) near.push(rms);
    else if (Math.abs((t % 1) - MARK_AT_S - 0.03) > 0.15) elsewhere.push(rms);
  }
  return {
    seamWorst: Math.max(...near),
    seamMedian: median(near),
    elsewhereMax: Math.max(...elsewhere),
    elsewhereP99: percentile(elsewhere, 99),
    elsewhereMedian: median(elsewhere),
  };
}

/**
 * Samples by which `b` lags `a`, found on the beep channel around the second beep (the tone channel is
 * periodic and would match every 109 samples).
 */
export function lagOf(a: Float32Array, b: Float32Array, maxLag = 12_000): number {
  const from = Math.round((1 + MARK_AT_S - 0.05) * RATE);
  let best = 0;
  let bestErr = Infinity;
  for (let lag = 0; lag <= maxLag; lag++) {
    let err = 0;
    for (let i = from; i < from + 4800; i++) err += (a[i]! - b[i + lag]!) ** 2;
    if (err < bestErr) [best, bestErr] = [lag, err];
  }
  return best;
}

export { MARK_AT_S };
