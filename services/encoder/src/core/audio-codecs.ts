import type { AudioCodec, OutputProfile } from '@talkrec/contracts';

/** Sample rate of every part and every delivered file (the capture's rate). */
export const AUDIO_RATE = 48_000;
export const AUDIO_CHANNELS = 2;
/** Bytes of one s16le stereo sample frame: the unit of the PCM the encoder splices. */
export const PCM_FRAME_BYTES = 4;

/**
 * A lossy codec as the part encoder uses it. Every number was measured with ffmpeg 5.1 on bookworm
 * (services/encoder/README.md): a packet j of an encode that starts at input sample 0 decodes to the
 * samples [j·frame − delay, (j+1)·frame − delay), and it only comes out right when the encoder saw
 * `lookahead` samples beyond its end and `preroll` whole frames before its start.
 */
export interface LossyCodec {
  kind: 'lossy';
  codec: 'aac' | 'mp3' | 'opus';
  frameSamples: number;
  /** Encoder delay + decoder delay (ffmpeg's `initial_padding`, Opus pre-skip). */
  delaySamples: number;
  lookaheadSamples: number;
  prerollFrames: number;
  defaultKbps: number;
  /** Extension of the part object: ADTS, raw MP3 frames, Ogg Opus. */
  partExt: string;
}

export interface LosslessCodec {
  kind: 'lossless';
  codec: 'flac' | 'wav';
  partExt: string;
}

export type AudioCodecTraits = LossyCodec | LosslessCodec;

export const AAC: LossyCodec = {
  kind: 'lossy',
  codec: 'aac',
  frameSamples: 1024,
  delaySamples: 1024,
  // Two frames: a transient in the frame after the seam makes the encoder announce short blocks
  // (LONG_START) in the frame before it, and both encoders must take the same decision.
  lookaheadSamples: 2048,
  prerollFrames: 8,
  defaultKbps: 128,
  partExt: 'aac',
};

export const MP3: LossyCodec = {
  kind: 'lossy',
  codec: 'mp3',
  frameSamples: 1152,
  // LAME's 576-sample encoder delay + the decoder's 529.
  delaySamples: 1105,
  lookaheadSamples: 2304,
  prerollFrames: 4,
  defaultKbps: 128,
  partExt: 'mp3',
};

export const OPUS: LossyCodec = {
  kind: 'lossy',
  codec: 'opus',
  frameSamples: 960,
  delaySamples: 312,
  lookaheadSamples: 960,
  prerollFrames: 16,
  defaultKbps: 64,
  partExt: 'ogg',
};

export const AUDIO_CODECS: Readonly<Record<AudioCodec, AudioCodecTraits>> = {
  aac: AAC,
  mp3: MP3,
  opus: OPUS,
  flac: { kind: 'lossless', codec: 'flac', partExt: 'flac' },
  wav: { kind: 'lossless', codec: 'wav', partExt: 'wav' },
};

export interface AudioTarget {
  traits: AudioCodecTraits;
  /** Bitrate for lossy codecs. */
  kbps: number;
}

/** Video recordings carry AAC at the profile's audio bitrate; audio-only ones the chosen codec. */
export function audioTarget(output: OutputProfile): AudioTarget {
  if (output.kind === 'video') return { traits: AUDIO_CODECS.aac, kbps: output.audioBitrateKbps };
  const traits = AUDIO_CODECS[output.codec];
  return { traits, kbps: output.bitrateKbps ?? (traits.kind === 'lossy' ? traits.defaultKbps : 0) };
}

/** Packets an encoder emits for `samples` input samples (checked after every encode). */
export function expectedPackets(codec: LossyCodec, samples: number): number {
  return Math.ceil((samples + codec.delaySamples) / codec.frameSamples);
}
