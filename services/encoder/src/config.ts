import { baseConfigShape, env, loadConfig, opsListenKey } from '@talkrec/platform';

export const encoderConfigShape = {
  ...baseConfigShape,
  ...opsListenKey('127.0.0.1:9103'),
  /** Jobs transcoded at once by this instance (each ffmpeg uses ENCODE_THREADS threads). */
  ENCODE_CONCURRENCY: env.int({ default: 1, min: 1, max: 64 }),
  /** x264/ffmpeg threads per job; 0 lets ffmpeg decide. */
  ENCODE_THREADS: env.int({ default: 0, min: 0, max: 64 }),
  /** Scratch folder for segments being transcoded. */
  WORK_DIR: env.string('/tmp/talkrec-encoder'),
  FFMPEG_PATH: env.string('ffmpeg'),
  FFPROBE_PATH: env.string('ffprobe'),
};

export type EncoderConfig = ReturnType<typeof loadEncoderConfig>;
export const loadEncoderConfig = (source?: Record<string, string | undefined>) =>
  loadConfig(encoderConfigShape, source);
