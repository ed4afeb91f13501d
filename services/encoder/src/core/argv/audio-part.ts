import type { AudioCodec } from '@talkrec/contracts';
import { AUDIO_CHANNELS, AUDIO_RATE } from '../audio-codecs.js';
import { RUN_OPTIONS, type FfmpegCommand, type FfmpegInput, type FfmpegOutput } from './command.js';

/** Raw PCM as the part encoder splices it: the input of every audio encode. */
export function pcmInput(pcm: string, first: boolean): FfmpegInput {
  return {
    options: [
      ...(first ? RUN_OPTIONS : []),
      '-f',
      's16le',
      '-ar',
      String(AUDIO_RATE),
      '-ac',
      String(AUDIO_CHANNELS),
    ],
    source: pcm,
  };
}

const output = (input: number, codec: string[], format: string, target: string): FfmpegOutput => ({
  options: ['-map', `${input}:a`, ...codec, '-f', format],
  target,
});

/**
 * AAC-LC (ffmpeg's native encoder) as ADTS: one self-delimiting frame per packet. The `fast` coder
 * keeps little state between frames, so an encode with 8 frames of pre-roll joins another exactly;
 * the default `twoloop` needs ~128 (README), and at 128k FFmpeg's own AAC maintainer rates `fast`
 * as good or better at half the CPU (FFmpeg commit fcb681ac).
 */
export function aacOutput(input: number, kbps: number, target: string): FfmpegOutput {
  return output(input, ['-c:a', 'aac', '-aac_coder', 'fast', '-b:a', `${kbps}k`], 'adts', target);
}

/**
 * MP3 (LAME, CBR) as bare frames: the bit reservoir is off so no frame borrows bytes from the one
 * before, and no Xing/ID3 header is written (the final mux adds the gapless header).
 */
export function mp3Output(input: number, kbps: number, target: string): FfmpegOutput {
  return output(
    input,
    ['-c:a', 'libmp3lame', '-b:a', `${kbps}k`, '-reservoir', '0', '-write_xing', '0', '-id3v2_version', '0'],
    'mp3',
    target,
  );
}

/** Opus (libopus, 20 ms frames) in Ogg; the part keeps only its own packets afterwards. */
export function opusOutput(input: number, kbps: number, target: string): FfmpegOutput {
  return output(input, ['-c:a', 'libopus', '-b:a', `${kbps}k`], 'ogg', target);
}

export function flacOutput(input: number, target: string): FfmpegOutput {
  return output(input, ['-c:a', 'flac'], 'flac', target);
}

export function wavOutput(input: number, target: string): FfmpegOutput {
  return output(input, ['-c:a', 'pcm_s16le'], 'wav', target);
}

export function audioOutput(codec: AudioCodec, input: number, kbps: number, target: string): FfmpegOutput {
  switch (codec) {
    case 'aac':
      return aacOutput(input, kbps, target);
    case 'mp3':
      return mp3Output(input, kbps, target);
    case 'opus':
      return opusOutput(input, kbps, target);
    case 'flac':
      return flacOutput(input, target);
    case 'wav':
      return wavOutput(input, target);
  }
}

/** An audio-only part: the spliced PCM encoded in the codec's part format. */
export function audioPartCommand(
  codec: AudioCodec,
  pcm: string,
  kbps: number,
  target: string,
): FfmpegCommand {
  return { inputs: [pcmInput(pcm, true)], outputs: [audioOutput(codec, 0, kbps, target)] };
}
