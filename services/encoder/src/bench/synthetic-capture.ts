import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import type { VideoGeometry } from '@talkrec/contracts';
import type { Ffmpeg } from '../adapters/ffmpeg/ffmpeg.js';
import { AUDIO_RATE } from '../core/audio-codecs.js';
import { RUN_OPTIONS, seconds, type FfmpegCommand } from '../core/argv/command.js';

export interface SyntheticCapture {
  /** Seconds per segment and number of segments. */
  segmentS: number;
  count: number;
  /** Video geometry; none for an audio-only capture. */
  video?: VideoGeometry;
  /** Audio starts this late in the first segment, as capture's A/V compensation makes it. */
  audioOffsetS?: number;
  /**
   * Samples per audio packet (1024 by default). Audio-only segments are cut at packet boundaries, so
   * 480 (10 ms) puts every cut on a whole millisecond.
   */
  audioPacketSamples?: number;
}

export interface SyntheticSegment {
  index: number;
  file: string;
  startMs: number;
  durationMs: number;
}

/**
 * A flash and a beep start at MARK_AT_S past every whole second and last MARK_S: half a second away
 * from the segment cuts, so their transients never hide a seam.
 */
export const MARK_AT_S = 0.5;
export const MARK_S = 0.06;
/** The flash covers two frames at 30 fps. */
export const FLASH_S = 0.05;
/** Left channel: a steady 440 Hz tone (any click at a seam shows), right channel: the beeps. */
export const TONE_HZ = 440;
export const TONE_AMPLITUDE = 0.25;
export const BEEP_HZ = 1000;
export const BEEP_AMPLITUDE = 0.5;

/**
 * Segments in the capture format (Matroska, timestamps reset per segment, x264 ultrafast crf 18 with an
 * IDR at every cut, PCM s16le 48 kHz stereo), cut by ffmpeg's segment muxer as capture cuts them: a
 * moving test picture with a white flash and a 1 kHz beep once a second, over a steady tone.
 */
export function syntheticCaptureCommand(spec: SyntheticCapture, dir: string): FfmpegCommand {
  const total = spec.segmentS * spec.count;
  // The audio input starts `audioOffsetS` late (as capture's grab does) but stays in sync: its
  // expressions run on the recording's clock T.
  const T = `(t+${spec.audioOffsetS ?? 0})`;
  const audio = `aevalsrc='${TONE_AMPLITUDE}*sin(2*PI*${TONE_HZ}*${T})|${BEEP_AMPLITUDE}*sin(2*PI*${BEEP_HZ}*${T})*between(mod(${T},1),${MARK_AT_S},${MARK_AT_S + MARK_S})':s=${AUDIO_RATE}:c=stereo:n=${spec.audioPacketSamples ?? 1024}`;
  const inputs: FfmpegCommand['inputs'] = [];
  const maps: string[] = [];
  const codecs: string[] = [];
  if (spec.video) {
    const { width, height, fps } = spec.video;
    inputs.push({
      options: [...RUN_OPTIONS, '-f', 'lavfi'],
      source: `testsrc2=size=${width}x${height}:rate=${fps},drawbox=x=0:y=0:w=iw:h=ih:color=white:t=fill:enable='between(mod(t,1),${MARK_AT_S},${MARK_AT_S + FLASH_S})'`,
    });
    maps.push('-map', '0:v');
    codecs.push(
      '-c:v',
      'libx264',
      '-preset',
      'ultrafast',
      '-crf',
      '18',
      '-pix_fmt',
      'yuv420p',
      '-force_key_frames',
      `expr:gte(t,n_forced*${spec.segmentS})`,
    );
  }
  const offset = spec.audioOffsetS ? ['-itsoffset', seconds(spec.audioOffsetS)] : [];
  inputs.push({ options: [...(inputs.length ? [] : RUN_OPTIONS), ...offset, '-f', 'lavfi'], source: audio });
  maps.push('-map', `${inputs.length - 1}:a`);
  codecs.push('-c:a', 'pcm_s16le');
  return {
    inputs,
    outputs: [
      {
        options: [
          ...maps,
          '-t',
          seconds(total),
          ...codecs,
          '-f',
          'segment',
          '-segment_time',
          String(spec.segmentS),
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
 * Runs the generator; `startMs`/`durationMs` come from the segment muxer's cut times, as capture
 * reports them.
 */
export async function makeSyntheticCapture(
  ffmpeg: Ffmpeg,
  spec: SyntheticCapture,
  dir: string,
): Promise<SyntheticSegment[]> {
  await ffmpeg.run(syntheticCaptureCommand(spec, dir));
  const list = await readFile(path.join(dir, 'segments.csv'), 'utf8');
  const files = new Set(await readdir(dir));
  return list
    .trim()
    .split('\n')
    .map((line, index) => {
      const [name, start, end] = line.split(',');
      if (!name || !files.has(name)) throw new Error(`segment list names a missing file: ${line}`);
      const startMs = Math.round(Number(start) * 1000);
      return {
        index,
        file: path.join(dir, name),
        startMs,
        durationMs: Math.round(Number(end) * 1000) - startMs,
      };
    });
}
