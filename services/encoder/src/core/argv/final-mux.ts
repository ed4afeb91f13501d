import type { OutputProfile } from '@talkrec/contracts';
import { AAC, AUDIO_RATE, MP3, type LossyCodec } from '../audio-codecs.js';
import { RUN_OPTIONS, seconds, type FfmpegCommand } from './command.js';

export interface FinalSources {
  /** ffconcat list of the video parts (video recordings). */
  videoList?: string;
  /**
   * The joined audio: one ADTS / MP3 / Ogg Opus stream for lossy codecs, an ffconcat list of the
   * parts for lossless ones.
   */
  audio: string;
}

const CONCAT = ['-f', 'concat', '-safe', '0'];

/** −delay as a time option (µs: within 0.03 samples of the delay, which ffmpeg rounds to it). */
export function primingOffset(codec: LossyCodec): string {
  return seconds(-codec.delaySamples / AUDIO_RATE);
}

/**
 * The joined lossy stream starts with the encoder's priming; moving its start back by the codec delay
 * lets the MP4 muxer write an edit list that hides it (Matroska shifts every stream instead).
 */
function primedInput(codec: LossyCodec, format: string, source: string, first: boolean) {
  return {
    options: [...(first ? RUN_OPTIONS : []), '-itsoffset', primingOffset(codec), '-f', format],
    source,
  };
}

/** `-movflags +faststart` puts the index in front, so a browser can play the MP4 while it downloads. */
const FASTSTART = ['-movflags', '+faststart'];

/** H.264 parts + the joined AAC, both stream-copied. */
export function videoMuxCommand(
  container: 'mp4' | 'mkv',
  sources: FinalSources,
  target: string,
): FfmpegCommand {
  if (!sources.videoList) throw new Error('a video recording needs its video parts');
  return {
    inputs: [
      { options: [...RUN_OPTIONS, ...CONCAT], source: sources.videoList },
      primedInput(AAC, 'aac', sources.audio, false),
    ],
    outputs: [
      {
        options: [
          '-map',
          '0:v:0',
          '-map',
          '1:a:0',
          '-c',
          'copy',
          ...(container === 'mp4' ? [...FASTSTART, '-f', 'mp4'] : ['-f', 'matroska']),
        ],
        target,
      },
    ],
  };
}

function copyAudio(input: FfmpegCommand['inputs'][number], format: string[], target: string): FfmpegCommand {
  return { inputs: [input], outputs: [{ options: ['-map', '0:a:0', '-c', 'copy', ...format], target }] };
}

function transcodeLossless(list: string, codec: string[], format: string[], target: string): FfmpegCommand {
  return {
    inputs: [{ options: [...RUN_OPTIONS, ...CONCAT], source: list }],
    outputs: [{ options: ['-map', '0:a:0', ...codec, ...format], target }],
  };
}

/**
 * The commands that turn the joined audio into the delivered file, in order. Ogg Opus needs none:
 * the joined stream already is the file. MP3 goes through an MP4 with an edit list because that is
 * how ffmpeg learns the encoder delay it writes into the gapless (LAME) header of the .mp3.
 */
export function audioMuxCommands(
  output: Extract<OutputProfile, { kind: 'audio' }>,
  sources: FinalSources,
  target: string,
  scratchMp4: string,
): FfmpegCommand[] {
  const mkv = ['-f', 'matroska'];
  switch (output.codec) {
    case 'aac': {
      const input = primedInput(AAC, 'aac', sources.audio, true);
      return [copyAudio(input, output.container === 'mkv' ? mkv : [...FASTSTART, '-f', 'mp4'], target)];
    }
    case 'mp3': {
      const input = primedInput(MP3, 'mp3', sources.audio, true);
      if (output.container === 'mkv') return [copyAudio(input, mkv, target)];
      return [
        copyAudio(input, ['-f', 'mp4'], scratchMp4),
        copyAudio({ options: [...RUN_OPTIONS], source: scratchMp4 }, ['-f', 'mp3'], target),
      ];
    }
    case 'opus':
      if (output.container === 'mkv') {
        return [copyAudio({ options: [...RUN_OPTIONS, '-f', 'ogg'], source: sources.audio }, mkv, target)];
      }
      return [];
    case 'flac':
      return [
        transcodeLossless(
          sources.audio,
          ['-c:a', 'flac'],
          ['-f', output.container === 'flac' ? 'flac' : output.container === 'ogg' ? 'ogg' : 'matroska'],
          target,
        ),
      ];
    case 'wav':
      return [
        transcodeLossless(
          sources.audio,
          ['-c:a', 'pcm_s16le'],
          output.container === 'mkv' ? mkv : ['-rf64', 'auto', '-f', 'wav'],
          target,
        ),
      ];
  }
}

/** A JPEG of one frame of the delivered file, for Talk's and the file list's preview. */
export function posterCommand(source: string, atS: number, target: string): FfmpegCommand {
  return {
    inputs: [{ options: [...RUN_OPTIONS, '-ss', seconds(atS)], source }],
    outputs: [
      { options: ['-map', '0:v:0', '-frames:v', '1', '-c:v', 'mjpeg', '-q:v', '3', '-f', 'mjpeg'], target },
    ],
  };
}

/** An ffconcat list; explicit durations make every part start exactly where the one before ended. */
export function ffconcat(entries: ReadonlyArray<{ path: string; durationS: number }>): string {
  const quote = (p: string) => `'${p.replace(/'/g, "'\\''")}'`;
  return `ffconcat version 1.0\n${entries.map((e) => `file ${quote(e.path)}\nduration ${seconds(e.durationS)}\n`).join('')}`;
}
