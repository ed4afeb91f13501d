import { z } from 'zod';

/** Audio codecs an audio-only recording can be delivered in (the set Talked offers). */
export const AudioCodec = z.enum(['wav', 'flac', 'opus', 'aac', 'mp3']);
export type AudioCodec = z.infer<typeof AudioCodec>;

/** Output containers. `mkv`/`ogg`/`mp4` are the ones Talk's `store` accepts besides webm. */
export const Container = z.enum(['mp4', 'mkv', 'ogg', 'wav', 'flac', 'm4a', 'mp3']);
export type Container = z.infer<typeof Container>;

export const X264Preset = z.enum(['ultrafast', 'superfast', 'veryfast', 'faster', 'fast', 'medium', 'slow']);
export type X264Preset = z.infer<typeof X264Preset>;

export const VideoGeometry = z.object({
  /** Pixels; even, because H.264 4:2:0 needs it. */
  width: z.number().int().min(320).max(3840).multipleOf(2),
  /** Pixels; even. */
  height: z.number().int().min(240).max(2160).multipleOf(2),
  /** Frames per second of the grab and of the output. */
  fps: z.number().int().min(5).max(60),
});
export type VideoGeometry = z.infer<typeof VideoGeometry>;

/** What the encoder produces for a video recording: H.264 + AAC. */
export const VideoOutput = z.object({
  kind: z.literal('video'),
  container: z.enum(['mp4', 'mkv']),
  /** x264 constant rate factor, 0 (lossless) … 51; lower is better and bigger. */
  crf: z.number().int().min(0).max(51),
  preset: X264Preset,
  /** AAC bitrate in kbit/s. */
  audioBitrateKbps: z.number().int().min(32).max(512),
});
export type VideoOutput = z.infer<typeof VideoOutput>;

/** What the encoder produces for an audio-only recording. */
export const AudioOutput = z
  .object({
    kind: z.literal('audio'),
    codec: AudioCodec,
    container: Container,
    /** Bitrate in kbit/s for lossy codecs (opus, aac, mp3); ignored for wav/flac. */
    bitrateKbps: z.number().int().min(8).max(512).optional(),
  })
  .superRefine((o, ctx) => {
    if (!AUDIO_CONTAINERS[o.codec].includes(o.container)) {
      ctx.addIssue({
        code: 'custom',
        path: ['container'],
        message: `${o.codec} cannot go in ${o.container} (allowed: ${AUDIO_CONTAINERS[o.codec].join(', ')})`,
      });
    }
  });
export type AudioOutput = z.infer<typeof AudioOutput>;

export const OutputProfile = z.discriminatedUnion('kind', [VideoOutput, AudioOutput]);
export type OutputProfile = z.infer<typeof OutputProfile>;

/** Containers each audio codec may be delivered in; the first is the codec's native one. */
export const AUDIO_CONTAINERS: Readonly<Record<AudioCodec, readonly Container[]>> = {
  wav: ['wav', 'mkv'],
  flac: ['flac', 'ogg', 'mkv'],
  opus: ['ogg', 'mkv'],
  aac: ['m4a', 'mp4', 'mkv'],
  mp3: ['mp3', 'mkv'],
};

/** File extension and MIME type of each container (audio-only variants where they differ). */
export const CONTAINER_FILES: Readonly<Record<Container, { ext: string; mime: string; audioMime?: string }>> =
  {
    mp4: { ext: 'mp4', mime: 'video/mp4', audioMime: 'audio/mp4' },
    mkv: { ext: 'mkv', mime: 'video/x-matroska', audioMime: 'audio/x-matroska' },
    ogg: { ext: 'ogg', mime: 'audio/ogg' },
    wav: { ext: 'wav', mime: 'audio/wav' },
    flac: { ext: 'flac', mime: 'audio/flac' },
    m4a: { ext: 'm4a', mime: 'audio/mp4' },
    mp3: { ext: 'mp3', mime: 'audio/mpeg' },
  };

/**
 * Containers Talk's `store` accepts (content-sniffed MIME → extension), from Talk's
 * DEFAULT_ALLOWED_RECORDING_FORMATS: audio/ogg, video/ogg, video/mp4, video/webm, video/x-matroska.
 */
export const TALK_STORE_CONTAINERS: readonly Container[] = ['ogg', 'mp4', 'mkv'];
