import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface FakeMediaOptions {
  dir: string;
  /** Drawn onto the video. */
  label: string;
  /** Hue rotation of the test pattern (degrees), so participants look different. */
  hue: number;
  /** Frequency of the microphone's tone (Hz). */
  toneHz: number;
  width?: number;
  height?: number;
  fps?: number;
  /** Length of the loop Chromium plays (s). */
  seconds?: number;
}

export interface FakeMedia {
  /** y4m for `--use-file-for-fake-video-capture`. */
  video: string;
  /** wav for `--use-file-for-fake-audio-capture`. */
  audio: string;
}

/**
 * A participant's fake camera and microphone, made by ffmpeg: a moving test pattern (testsrc2) tinted
 * by `hue` with the label on it, and a steady sine tone. Chromium loops both files.
 */
export async function makeFakeMedia(options: FakeMediaOptions): Promise<FakeMedia> {
  const { dir, label, hue, toneHz } = options;
  const width = options.width ?? 640;
  const height = options.height ?? 360;
  const fps = options.fps ?? 15;
  const seconds = options.seconds ?? 4;
  const video = path.join(dir, 'camera.y4m');
  const audio = path.join(dir, 'microphone.wav');
  const text = label.replace(/[\\':]/g, '');
  const filter = [
    `testsrc2=size=${width}x${height}:rate=${fps}`,
    `hue=h=${hue}`,
    `drawtext=text='${text}':fontfile=/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf:fontsize=${Math.round(height / 9)}:fontcolor=white:box=1:boxcolor=black@0.6:boxborderw=8:x=(w-tw)/2:y=h-th-${Math.round(height / 12)}`,
  ].join(',');
  await run(
    'ffmpeg',
    ['-hide_banner', '-loglevel', 'error', '-y', '-f', 'lavfi', '-i', filter].concat([
      '-t',
      String(seconds),
      '-pix_fmt',
      'yuv420p',
      video,
    ]),
  );
  await run('ffmpeg', [
    '-hide_banner',
    '-loglevel',
    'error',
    '-y',
    '-f',
    'lavfi',
    '-i',
    `sine=frequency=${toneHz}:sample_rate=48000:duration=${seconds}`,
    '-ac',
    '1',
    '-c:a',
    'pcm_s16le',
    audio,
  ]);
  return { video, audio };
}
