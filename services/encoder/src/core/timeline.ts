import type { SegmentRef } from '@talkrec/contracts';
import { AUDIO_RATE } from './audio-codecs.js';

/** What a captured segment holds, as read from the file. */
export interface SegmentLayout {
  video?: VideoLayout;
  audio?: AudioLayout;
}

export interface VideoLayout {
  codec: string;
  width: number;
  height: number;
  /** Frames in the file. */
  frames: number;
  /** Timestamps of the first and the last frame, seconds, relative to the segment's start. */
  startS: number;
  lastS: number;
}

export interface AudioLayout {
  codec: string;
  /** Samples at AUDIO_RATE after extraction: the exact length, unlike any timestamp. */
  samples: number;
  /** When the first sample plays, seconds, relative to the segment's start (sub-tick estimate). */
  startS: number;
}

/** A segment on the recording's timeline: frame indices at the recording's fps, 48 kHz sample indices. */
export interface Placement {
  video?: { start: number; end: number };
  audio: { start: number; end: number };
}

/**
 * The segment's start on the recording's clock. For video recordings it is snapped to the frame grid:
 * capture cuts segments at frame boundaries, and the millisecond `startMs` is only a rounded copy of that.
 */
function anchorSeconds(ref: SegmentRef, fps: number | undefined): number {
  return fps ? Math.round((ref.startMs * fps) / 1000) / fps : ref.startMs / 1000;
}

/**
 * Places a segment by its own data only (startMs + what the file holds). Two parts that share a
 * segment (as `segment` and as `previous`) must agree on where its samples are, so nothing else may
 * go into this.
 */
export function placeSegment(ref: SegmentRef, layout: SegmentLayout, fps: number | undefined): Placement {
  const anchor = anchorSeconds(ref, fps);
  let video: Placement['video'];
  if (fps && layout.video) {
    const start = Math.round(anchor * fps) + Math.round(layout.video.startS * fps);
    // Counted by time, not by packets: frames a capture dropped still take their place on the timeline.
    const frames = Math.round((layout.video.lastS - layout.video.startS) * fps) + 1;
    video = { start, end: start + Math.max(frames, 1) };
  }
  if (layout.audio) {
    const start = Math.round((anchor + layout.audio.startS) * AUDIO_RATE);
    return { ...(video ? { video } : {}), audio: { start, end: start + layout.audio.samples } };
  }
  // No audio in the segment: it holds silence as long as its video.
  const edge = video && fps ? Math.round((video.end * AUDIO_RATE) / fps) : Math.round(anchor * AUDIO_RATE);
  return { ...(video ? { video } : {}), audio: { start: edge, end: edge } };
}

/**
 * Where the part before this one ended, when its segment is not at hand: 0 for the first segment,
 * otherwise `startMs − gapBeforeMs` (exact for video frames, ±½ ms for audio).
 */
export function estimatedPreviousEnd(ref: SegmentRef, fps: number | undefined): Placement {
  if (ref.index === 0) {
    return { ...(fps ? { video: { start: 0, end: 0 } } : {}), audio: { start: 0, end: 0 } };
  }
  const endMs = ref.startMs - ref.gapBeforeMs;
  if (!fps) {
    const edge = Math.round((endMs * AUDIO_RATE) / 1000);
    return { audio: { start: edge, end: edge } };
  }
  const frame = Math.round((endMs * fps) / 1000);
  const sample = Math.round((frame * AUDIO_RATE) / fps);
  return { video: { start: frame, end: frame }, audio: { start: sample, end: sample } };
}

export interface TimedPacket {
  /** Presentation time in stream ticks. */
  pts: number;
  /** Samples the packet holds. */
  samples: number;
}

/**
 * When the first sample of an audio stream plays, in seconds, to a fraction of the container's tick.
 * Matroska rounds every timestamp to 1 ms (48 samples), but the samples between packets are exact:
 * each packet k says start ∈ [pts_k − s_k/rate ± ½ tick], and the intersection over all packets is
 * usually a few µs wide. Jittery timestamps (empty intersection) fall back to the median.
 */
export function estimateAudioStart(
  packets: readonly TimedPacket[],
  tickS: number,
  sampleRate: number,
): number {
  if (packets.length === 0) return 0;
  let low = -Infinity;
  let high = Infinity;
  const candidates: number[] = [];
  let before = 0;
  for (const p of packets) {
    const c = p.pts * tickS - before / sampleRate;
    candidates.push(c);
    low = Math.max(low, c - tickS / 2);
    high = Math.min(high, c + tickS / 2);
    before += p.samples;
  }
  if (low <= high) return (low + high) / 2;
  candidates.sort((a, b) => a - b);
  return candidates[Math.floor(candidates.length / 2)]!;
}
