import { backendsConfigShape, baseConfigShape, env, loadConfig, opsListenKey } from '@talkrec/platform';

export const captureConfigShape = {
  ...baseConfigShape,
  ...backendsConfigShape,
  ...opsListenKey('127.0.0.1:9102'),
  /** Recordings this instance runs at once (each: Xvfb + PulseAudio sink + Chromium + ffmpeg). */
  CAPTURE_SLOTS: env.int({ default: 2, min: 1, max: 32 }),
  /** First X display number; slot n uses DISPLAY_BASE + n. */
  DISPLAY_BASE: env.int({ default: 90, min: 1, max: 60000 }),
  CHROMIUM_PATH: env.string('/usr/lib/chromium/chromium'),
  FFMPEG_PATH: env.string('ffmpeg'),
  /** Scratch folder for segments before they are stored. */
  WORK_DIR: env.string('/tmp/talkrec-capture'),
  /** Refuse new recordings when the work folder's disk has less free space than this (MiB). */
  MIN_FREE_DISK_MB: env.int({ default: 2048, min: 0 }),
};

export type CaptureConfig = ReturnType<typeof loadCaptureConfig>;
export const loadCaptureConfig = (source?: Record<string, string | undefined>) =>
  loadConfig(captureConfigShape, source);
