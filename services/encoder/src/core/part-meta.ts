import { createHash } from 'node:crypto';
import { z } from 'zod';
import {
  mediaObjects,
  type AssembleJob,
  type EncodeSegmentJob,
  type OutputProfile,
} from '@talkrec/contracts';
import { AUDIO_CODECS, AUDIO_RATE, audioTarget } from './audio-codecs.js';

/**
 * Bumped whenever the parts an encoder makes change meaning, so a redelivered job never re-announces
 * a part made by an older rule.
 */
export const PART_FORMAT = 1;

/** Stored as each encoded object's description: what the assembler needs to join it, and its job key. */
export const VideoPartMeta = z.object({
  kind: z.literal('video'),
  key: z.string(),
  startFrame: z.number().int(),
  endFrame: z.number().int(),
  fps: z.number().int(),
});
export type VideoPartMeta = z.infer<typeof VideoPartMeta>;

export const LossyPartMeta = z.object({
  kind: z.literal('audio-lossy'),
  key: z.string(),
  codec: z.enum(['aac', 'mp3', 'opus']),
  /** Grid frames in the object: [firstFrame, tailEnd), of which [firstFrame, ownedEnd) are the part's own. */
  firstFrame: z.number().int(),
  ownedEnd: z.number().int(),
  tailEnd: z.number().int(),
  sampleEnd: z.number().int(),
});
export type LossyPartMeta = z.infer<typeof LossyPartMeta>;

export const LosslessPartMeta = z.object({
  kind: z.literal('audio-lossless'),
  key: z.string(),
  codec: z.enum(['flac', 'wav']),
  startSample: z.number().int(),
  endSample: z.number().int(),
});
export type LosslessPartMeta = z.infer<typeof LosslessPartMeta>;

export const PartMeta = z.discriminatedUnion('kind', [VideoPartMeta, LossyPartMeta, LosslessPartMeta]);
export type PartMeta = z.infer<typeof PartMeta>;

/** The delivered file's description: enough to re-announce it without opening it. */
export const FinalMeta = z.object({
  key: z.string(),
  sha256: z.string(),
  bytes: z.number().int(),
  durationMs: z.number().int(),
  video: z.object({ codec: z.string(), width: z.number(), height: z.number(), fps: z.number() }).optional(),
  audio: z.object({ codec: z.string(), sampleRate: z.number(), channels: z.number() }).optional(),
  gapMs: z.number().int(),
  posterObject: z.string().optional(),
});
export type FinalMeta = z.infer<typeof FinalMeta>;

export function parseMeta<S extends z.ZodType>(
  schema: S,
  description: string | undefined,
): z.infer<S> | undefined {
  if (!description) return undefined;
  try {
    const parsed = schema.safeParse(JSON.parse(description));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/** A short stable hash of what a job asks for: equal keys mean the stored result answers the job. */
export function jobKey(job: EncodeSegmentJob | AssembleJob): string {
  const { at: _at, ...what } = job;
  return createHash('sha256')
    .update(JSON.stringify({ format: PART_FORMAT, what }))
    .digest('hex')
    .slice(0, 32);
}

export interface PartObjects {
  video?: string;
  audio: string;
}

/** The objects one encoded part is stored as: H.264 in MP4, and the audio in its codec's part format. */
export function partObjects(recordingId: string, index: number, output: OutputProfile): PartObjects {
  const audio = mediaObjects.encoded(recordingId, index, `audio.${audioTarget(output).traits.partExt}`);
  return output.kind === 'video'
    ? { video: mediaObjects.encoded(recordingId, index, 'video.mp4'), audio }
    : { audio };
}

/** The object `SegmentEncoded` names: the video part of a video recording, else the audio part. */
export function primaryObject(objects: PartObjects): string {
  return objects.video ?? objects.audio;
}

/** The length of a stored part's own span, as announced in `SegmentEncoded`. */
export function partDurationMs(meta: PartMeta): number {
  switch (meta.kind) {
    case 'video':
      return Math.round(((meta.endFrame - meta.startFrame) * 1000) / meta.fps);
    case 'audio-lossy': {
      const codec = AUDIO_CODECS[meta.codec];
      const frame = codec.kind === 'lossy' ? codec.frameSamples : 0;
      return Math.round(((meta.ownedEnd - meta.firstFrame) * frame * 1000) / AUDIO_RATE);
    }
    case 'audio-lossless':
      return Math.round(((meta.endSample - meta.startSample) * 1000) / AUDIO_RATE);
  }
}
