import { baseConfigShape, env, loadConfig, opsListenKey } from '@talkrec/platform';

export const encoderConfigShape = {
  ...baseConfigShape,
  ...opsListenKey('127.0.0.1:9103'),
  /** Jobs transcoded at once by this instance (each ffmpeg uses ENCODE_THREADS threads). */
  ENCODE_CONCURRENCY: env.int({ default: 1, min: 1, max: 64 }),
  /** x264/ffmpeg threads per job; 0 lets ffmpeg decide. */
  ENCODE_THREADS: env.int({ default: 0, min: 0, max: 64 }),
  /** An ffmpeg run that takes longer is killed and its job retried (a hung ffmpeg must not hold a job). */
  FFMPEG_TIMEOUT_S: env.int({ default: 1800, min: 10, max: 86_400 }),
  /** Scratch folder for segments being transcoded; each job gets its own folder, removed afterwards. */
  WORK_DIR: env.string('/tmp/talkrec-encoder'),
  FFMPEG_PATH: env.string('ffmpeg'),
  FFPROBE_PATH: env.string('ffprobe'),
};

export type EncoderConfig = ReturnType<typeof loadEncoderConfig>;
export const loadEncoderConfig = (source?: Record<string, string | undefined>) =>
  loadConfig(encoderConfigShape, source);
