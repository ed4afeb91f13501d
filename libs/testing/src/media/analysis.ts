// Media checks the tests, the demo and the benchmarks make on recordings: ffprobe/ffmpeg reads only.
import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { promisify } from 'node:util';

const run = promisify(execFile);
const BIG = 512 * 1024 * 1024;

export interface Probe {
  durationS: number;
  streams: Array<{
    codec_type: string;
    codec_name: string;
    width?: number;
    height?: number;
    sample_rate?: string;
    channels?: number;
    start_time?: string;
  }>;
}

export async function probe(file: string): Promise<Probe> {
  const { stdout } = await run(
    'ffprobe',
    ['-v', 'error', '-show_format', '-show_streams', '-of', 'json', file],
    { maxBuffer: BIG },
  );
  const json = JSON.parse(stdout) as { format: { duration: string }; streams: Probe['streams'] };
  return { durationS: Number(json.format.duration), streams: json.streams };
}

/** Joins segments with the concat demuxer (stream copy), as a player or the encoder would read them. */
export async function concat(files: string[], out: string): Promise<void> {
  const list = `${out}.txt`;
  await writeFile(list, files.map((f) => `file '${f}'`).join('\n') + '\n');
  await run('ffmpeg', ['-v', 'error', '-y', '-f', 'concat', '-safe', '0', '-i', list, '-c', 'copy', out], {
    maxBuffer: BIG,
  });
}

/** Mean luma (0–255) and the share of distinct frames among one frame per second. */
export async function videoStats(
  file: string,
): Promise<{ meanLuma: number; distinctShare: number; frames: number }> {
  const { stdout: luma } = await run(
    'ffprobe',
    [
      '-v',
      'error',
      '-f',
      'lavfi',
      '-i',
      `movie=${file},signalstats`,
      '-show_entries',
      'frame_tags=lavfi.signalstats.YAVG',
      '-of',
      'csv=p=0',
    ],
    { maxBuffer: BIG },
  );
  const values = luma.trim().split('\n').map(Number);
  const { stdout: hashes } = await run(
    'ffmpeg',
    ['-v', 'error', '-i', file, '-map', '0:v', '-vf', 'fps=1', '-f', 'framemd5', '-'],
    { maxBuffer: BIG },
  );
  const sums = hashes
    .split('\n')
    .filter((l) => l && !l.startsWith('#'))
    .map((l) => l.split(',').pop()!.trim());
  return {
    meanLuma: values.reduce((a, b) => a + b, 0) / values.length,
    distinctShare: new Set(sums).size / sums.length,
    frames: values.length,
  };
}

/** Mean level (dB) of the audio in a band around `hz` (band-pass, then volumedetect). */
export async function bandLevelDb(file: string, hz: number): Promise<number> {
  const { stderr } = await run(
    'ffmpeg',
    [
      '-v',
      'info',
      '-nostats',
      '-i',
      file,
      '-map',
      '0:a',
      '-af',
      `bandpass=f=${hz}:width_type=h:w=60,volumedetect`,
      '-f',
      'null',
      '-',
    ],
    { maxBuffer: BIG },
  );
  const m = /mean_volume: (-?[\d.]+) dB/.exec(stderr);
  return m ? Number(m[1]) : -Infinity;
}

/** Audio minus video offsets (ms) of each flash+beep pair in an av-sync fixture recording. */
export async function avOffsetsMs(file: string): Promise<number[]> {
  const { stdout: luma } = await run(
    'ffprobe',
    [
      '-v',
      'error',
      '-f',
      'lavfi',
      '-i',
      `movie=${file},signalstats`,
      '-show_entries',
      'frame=pts_time:frame_tags=lavfi.signalstats.YAVG',
      '-of',
      'csv=p=0',
    ],
    { maxBuffer: BIG },
  );
  const flashes: number[] = [];
  let prev = 0;
  for (const line of luma.trim().split('\n')) {
    const [t, y] = line.split(',').map(Number) as [number, number];
    if (y > 128 && prev <= 128) flashes.push(t);
    prev = y;
  }
  const { stdout: pcm } = await run(
    'ffmpeg',
    ['-v', 'error', '-i', file, '-map', '0:a', '-ac', '1', '-ar', '48000', '-f', 's16le', '-'],
    {
      encoding: 'buffer',
      maxBuffer: BIG,
    },
  );
  const info = await probe(file);
  const audioStart = Number(info.streams.find((s) => s.codec_type === 'audio')?.start_time ?? 0);
  const samples = new Int16Array(pcm.buffer, pcm.byteOffset, Math.floor(pcm.length / 2));
  const onsets: number[] = [];
  let last = -10;
  for (let i = 0; i < samples.length; i++) {
    if (Math.abs(samples[i]!) < 3000) continue;
    const t = audioStart + i / 48_000;
    if (t - last > 0.5) onsets.push(t);
    last = t;
  }
  return flashes.flatMap((f) => {
    const nearest = onsets.reduce((best, o) => (Math.abs(o - f) < Math.abs(best - f) ? o : best), Infinity);
    return Math.abs(nearest - f) < 0.4 ? [Math.round((nearest - f) * 1000)] : [];
  });
}

export const median = (values: number[]) => {
  const s = [...values].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
