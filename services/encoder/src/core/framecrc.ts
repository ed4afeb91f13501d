import { AUDIO_RATE } from './audio-codecs.js';
import { estimateAudioStart, type SegmentLayout, type TimedPacket } from './timeline.js';

/** One stream as ffmpeg's `framecrc` muxer describes it in its header lines. */
export interface CrcStream {
  index: number;
  mediaType?: string;
  codec?: string;
  /** Seconds per timestamp tick. */
  tickS?: number;
  width?: number;
  height?: number;
  sampleRate?: number;
  channels?: number;
}

export interface CrcPacket {
  stream: number;
  pts: number;
  duration: number;
  size: number;
}

export interface Framecrc {
  streams: CrcStream[];
  packets: CrcPacket[];
}

const CHANNELS_BY_LAYOUT: Readonly<Record<string, number>> = { mono: 1, stereo: 2 };

/** The header lines that matter, by key: `#tb 0: 1/1000`, `#dimensions 0: 1280x720`, … */
const HEADER_FIELDS: Readonly<Record<string, (s: CrcStream, value: string) => void>> = {
  tb: (s, v) => {
    const [num, den] = v.split('/').map(Number);
    if (num && den) s.tickS = num / den;
  },
  media_type: (s, v) => (s.mediaType = v),
  codec_id: (s, v) => (s.codec = v),
  dimensions: (s, v) => {
    const [w, h] = v.split('x').map(Number);
    s.width = w;
    s.height = h;
  },
  sample_rate: (s, v) => (s.sampleRate = Number(v)),
  channel_layout_name: (s, v) =>
    (s.channels = CHANNELS_BY_LAYOUT[v] ?? (Number.parseInt(v, 10) || undefined)),
};

/**
 * Parses what `ffmpeg -map 0 -c copy -f framecrc` prints: `#key N: value` header lines, then one
 * `stream, dts, pts, duration, size, crc[, flags]` line per packet, i.e. every packet's timing and size
 * without decoding anything.
 */
export function parseFramecrc(text: string): Framecrc {
  const streams = new Map<number, CrcStream>();
  const packets: CrcPacket[] = [];
  const stream = (i: number) => {
    let s = streams.get(i);
    if (!s) streams.set(i, (s = { index: i }));
    return s;
  };
  for (const line of text.split('\n')) {
    const header = /^#(\w+) (\d+): (.*)$/.exec(line);
    if (header) {
      const s = stream(Number(header[2]));
      const value = header[3]!.trim();
      HEADER_FIELDS[header[1]!]?.(s, value);
      continue;
    }
    const fields = line.split(',').map((f) => f.trim());
    if (fields.length < 5 || !/^\d+$/.test(fields[0]!)) continue;
    packets.push({
      stream: Number(fields[0]),
      pts: Number(fields[2]),
      duration: Number(fields[3]),
      size: Number(fields[4]),
    });
  }
  return { streams: [...streams.values()], packets };
}

/** Samples in one packet: exact for PCM (from its size), from the duration otherwise. */
function packetSamples(s: CrcStream, p: CrcPacket): number {
  if (s.codec === 'pcm_s16le' && s.channels) return p.size / (2 * s.channels);
  return Math.round(p.duration * (s.tickS ?? 0) * (s.sampleRate ?? AUDIO_RATE));
}

/**
 * The segment's first video and audio stream; `extractedSamples` is the length of the 48 kHz PCM
 * extracted from it (the length that counts, whatever the source rate).
 */
export function layoutFromFramecrc(crc: Framecrc, extractedSamples: number | undefined): SegmentLayout {
  const layout: SegmentLayout = {};
  const video = crc.streams.find((s) => s.mediaType === 'video');
  if (video) {
    const pts = crc.packets.filter((p) => p.stream === video.index).map((p) => p.pts * (video.tickS ?? 0));
    layout.video = {
      codec: video.codec ?? 'unknown',
      width: video.width ?? 0,
      height: video.height ?? 0,
      frames: pts.length,
      startS: pts.length ? Math.min(...pts) : 0,
      lastS: pts.length ? Math.max(...pts) : 0,
    };
  }
  const audio = crc.streams.find((s) => s.mediaType === 'audio');
  if (audio && extractedSamples !== undefined) {
    const timed: TimedPacket[] = crc.packets
      .filter((p) => p.stream === audio.index)
      .map((p) => ({ pts: p.pts, samples: packetSamples(audio, p) }));
    layout.audio = {
      codec: audio.codec ?? 'unknown',
      samples: extractedSamples,
      startS: estimateAudioStart(timed, audio.tickS ?? 0.001, audio.sampleRate ?? AUDIO_RATE),
    };
  }
  return layout;
}
