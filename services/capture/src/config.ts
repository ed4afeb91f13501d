import path from 'node:path';
import { backendsConfigShape, baseConfigShape, env, loadConfig, opsListenKey } from '@talkrec/platform';

/** The page bundle built next to this file (`dist/page/`). */
const BUNDLED_PAGE_DIR = path.join(import.meta.dirname, 'page');

export const captureConfigShape = {
  ...baseConfigShape,
  ...backendsConfigShape,
  ...opsListenKey('127.0.0.1:9102'),
  /** Recordings this instance runs at once (each: Xvfb + PulseAudio sink + Chromium + ffmpeg). */
  CAPTURE_SLOTS: env.int({ default: 2, min: 1, max: 32 }),
  /**
   * Free slots that keep a display and browser ready for the next recording (of the last recording's
   * size): it starts a second or more sooner, which matters most when taking over after a crash.
   */
  CAPTURE_STANDBY: env.int({ default: 1, min: 0, max: 32 }),
  /** First X display number; slot n uses DISPLAY_BASE + n. */
  DISPLAY_BASE: env.int({ default: 90, min: 1, max: 60000 }),
  CHROMIUM_PATH: env.string('/usr/lib/chromium/chromium'),
  /** Chromium's sandbox is always off as root (it cannot run there); set true to turn it off otherwise. */
  CHROMIUM_NO_SANDBOX: env.bool(false),
  FFMPEG_PATH: env.string('ffmpeg'),
  XVFB_PATH: env.string('Xvfb'),
  PULSEAUDIO_PATH: env.string('pulseaudio'),
  PACTL_PATH: env.string('pactl'),
  /** Scratch folder for segments before they are stored. */
  WORK_DIR: env.string('/tmp/talkrec-capture'),
  /** Refuse new recordings when the work folder's disk has less free space than this (MiB). */
  MIN_FREE_DISK_MB: env.int({ default: 2048, min: 0 }),
  /** Folder of the call-view page bundle (index.html, app.js). */
  PAGE_DIR: env.string(BUNDLED_PAGE_DIR),
  /**
   * Milliseconds the grabbed audio is delayed against the video: Chromium's sound reaches the PulseAudio
   * monitor earlier than its picture reaches the X display (measured, see README).
   */
  AV_SYNC_OFFSET_MS: env.int({ default: 120, min: -2000, max: 2000 }),
  /** Seconds between heartbeat events (in-progress acks go out every second while ffmpeg advances). */
  HEARTBEAT_INTERVAL_S: env.int({ default: 5, min: 1, max: 60 }),
  /** Seconds the page may take to join the call and paint its first frame. */
  PAGE_READY_TIMEOUT_S: env.int({ default: 45, min: 5, max: 600 }),
  /** Seconds without progress from ffmpeg before the grab counts as hung (under the 10 s ack wait). */
  STALL_TIMEOUT_S: env.int({ default: 6, min: 3, max: 9 }),
};

export type CaptureConfig = ReturnType<typeof loadCaptureConfig>;
export const loadCaptureConfig = (source?: Record<string, string | undefined>) =>
  loadConfig(captureConfigShape, source);
