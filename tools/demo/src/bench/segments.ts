import { execFile } from 'node:child_process';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { CAPTURE_AUDIO_CODEC_OPTIONS, captureVideoCodecOptions } from '@talkrec/contracts';

const run = promisify(execFile);

export const SEGMENT_S = 10;
export const VIDEO = { width: 1280, height: 720, fps: 30 } as const;

/**
 * What the picture shows. `full`: testsrc2 over the whole frame, costly for x264 everywhere (a screen
 * share of a video). `call`: two moving 400×300 testsrc2 tiles on a flat background, the way a grid of
 * two webcams looks; the encoded bitrate (~0.7 Mbit/s at the encoder's crf 25) is the one of a real
 * call. `still`: one 160×120 tile, the cheapest picture that still moves: decoding and x264's pass
 * over the frame remain, so it saves only ~20 % of the encoder's time, and the file gets ~4× smaller.
 */
export type SegmentContent = 'full' | 'call' | 'still';

export const CONTENT_NOTES: Record<SegmentContent, string> = {
  full: 'full-frame testsrc2',
  call: 'two moving 400×300 tiles on a flat background, like a 2-person grid',
  still: 'CHEAP content: one moving 160×120 tile on a flat background',
};

export interface PremadeSegment {
  file: string;
  bytes: number;
  durationMs: number;
}

const videoSource = (content: SegmentContent) => {
  const { width, height, fps } = VIDEO;
  if (content === 'full') return `testsrc2=size=${width}x${height}:rate=${fps}`;
  if (content === 'still') {
    return [
      `color=c=0x202830:size=${width}x${height}:rate=${fps}[bg]`,
      `testsrc2=size=160x120:rate=${fps}[a]`,
      '[bg][a]overlay=x=560:y=300',
    ].join(';');
  }
  return [
    `color=c=0x202830:size=${width}x${height}:rate=${fps}[bg]`,
    `testsrc2=size=400x300:rate=${fps}[a]`,
    `testsrc2=size=400x300:rate=${fps},hue=h=180[b]`,
    '[bg][a]overlay=x=180:y=210[t]',
    '[t][b]overlay=x=700:y=210',
  ].join(';');
};

/**
 * `count` consecutive segments in capture's format (the capture format in libs/contracts): H.264
 * ultrafast crf 18 with an IDR at every cut + PCM s16le 48 kHz stereo, cut by ffmpeg's segment muxer
 * into Matroska with timestamps reset per segment. Consecutive cuts make them distinct pictures that
 * still join like a capture's do; a bench cycles through them for longer recordings.
 */
export async function makeSegments(
  dir: string,
  count: number,
  content: SegmentContent,
): Promise<PremadeSegment[]> {
  const { fps } = VIDEO;
  await run(
    'ffmpeg',
    [
      '-hide_banner',
      '-nostdin',
      '-loglevel',
      'error',
      '-y',
      '-f',
      'lavfi',
      '-i',
      videoSource(content),
      '-f',
      'lavfi',
      '-i',
      'sine=frequency=440:beep_factor=2:sample_rate=48000',
      '-t',
      String(count * SEGMENT_S),
      '-map',
      '0:v',
      '-map',
      '1:a',
      ...captureVideoCodecOptions(fps, SEGMENT_S),
      ...CAPTURE_AUDIO_CODEC_OPTIONS,
      '-f',
      'segment',
      '-segment_time',
      String(SEGMENT_S),
      '-segment_format',
      'matroska',
      '-reset_timestamps',
      '1',
      '-segment_list',
      path.join(dir, 'segments.csv'),
      '-segment_list_type',
      'csv',
      path.join(dir, 'seg_%06d.mkv'),
    ],
    { maxBuffer: 16 * 1024 * 1024 },
  );
  const list = (await readFile(path.join(dir, 'segments.csv'), 'utf8')).trim().split('\n');
  const segments: PremadeSegment[] = [];
  for (const line of list) {
    const [name, start, end] = line.split(',');
    const file = path.join(dir, name!);
    const durationMs = Math.round(Number(end) * 1000) - Math.round(Number(start) * 1000);
    segments.push({ file, bytes: (await stat(file)).size, durationMs });
  }
  if (segments.length !== count || segments.some((s) => Math.abs(s.durationMs - SEGMENT_S * 1000) > 50)) {
    throw new Error(`unexpected segments from ffmpeg: ${list.join(' | ')}`);
  }
  return segments;
}
