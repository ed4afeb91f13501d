import { CAPTURE_AUDIO_CODEC_OPTIONS, captureVideoCodecOptions } from '@talkrec/contracts';
/** What one grab records; everything the ffmpeg command line depends on. */
export interface GrabPlan {
  /** X display to grab, e.g. `:91`; unused for audio-only grabs. */
  display: string;
  /** PulseAudio source, the recording sink's monitor (`<sink>.monitor`). */
  pulseSource: string;
  /** Picture size and rate; absent for audio-only recordings. */
  video?: { width: number; height: number; fps: number };
  segmentSeconds: number;
  /** Index of the first segment this grab writes. */
  startIndex: number;
  /** Wall-clock instant (ms since the epoch) that becomes output time 0 for both inputs. */
  clockBaseMs: number;
  /** Milliseconds the audio is delayed against the picture (positive: audio later). */
  audioDelayMs: number;
  /** Folder the segments and their list are written to. */
  dir: string;
}

/** ffmpeg's segment list: one `file,start,end` line per closed segment. */
export const SEGMENT_LIST_FILE = 'segments.csv';
export const SEGMENT_PATTERN = 'seg_%06d.mkv';
export const segmentFileName = (index: number) => `seg_${String(index).padStart(6, '0')}.mkv`;

/** Raw frames queued between the grab thread and the encoder: about a second, so an overload stays bounded. */
export const VIDEO_QUEUE_PACKETS = 32;
export const AUDIO_QUEUE_PACKETS = 64;

const seconds = (ms: number) => (ms / 1000).toFixed(3);

/**
 * The grab: x11grab + the PulseAudio monitor → H.264 ultrafast/crf 18 + PCM in Matroska segments.
 *
 * Timing: x11grab and the pulse input both stamp packets with the wall clock. `-copyts` keeps those
 * stamps and `-itsoffset -<clockBase>` moves both inputs onto one base, so audio and video stay on the
 * same clock for hours; ffmpeg's default instead shifts each input to start at 0 on its own, which
 * turns the pulse input's later start into an audio lead. Output time 0 is `clockBaseMs`, so a segment
 * that starts at `t` s began at `clockBaseMs + t·1000` on the wall clock. `-fps_mode cfr` and
 * `aresample=async=1:first_pts=0` fill both streams from time 0 (first frame repeated, silence).
 */
export function buildGrabArgs(plan: GrabPlan): string[] {
  const { video } = plan;
  const args = [
    '-hide_banner',
    '-nostdin',
    '-loglevel',
    'level+warning',
    '-nostats',
    '-progress',
    'pipe:1',
    '-stats_period',
    '1',
    '-y',
    '-copyts',
  ];
  if (video) {
    args.push(
      '-thread_queue_size',
      String(VIDEO_QUEUE_PACKETS),
      '-itsoffset',
      `-${seconds(plan.clockBaseMs)}`,
      '-f',
      'x11grab',
      '-draw_mouse',
      '0',
      '-framerate',
      String(video.fps),
      '-video_size',
      `${video.width}x${video.height}`,
      '-i',
      `${plan.display}.0`,
    );
  }
  args.push(
    '-thread_queue_size',
    String(AUDIO_QUEUE_PACKETS),
    '-itsoffset',
    `-${seconds(plan.clockBaseMs - plan.audioDelayMs)}`,
    '-f',
    'pulse',
    '-sample_rate',
    '48000',
    '-channels',
    '2',
    '-i',
    plan.pulseSource,
  );
  if (video) {
    args.push('-map', '0:v', '-map', '1:a', ...captureVideoCodecOptions(video.fps, plan.segmentSeconds));
  } else {
    args.push('-map', '0:a');
  }
  args.push(
    '-af',
    'aresample=async=1:first_pts=0',
    ...CAPTURE_AUDIO_CODEC_OPTIONS,
    '-f',
    'segment',
    '-segment_time',
    String(plan.segmentSeconds),
    '-segment_format',
    'matroska',
    '-reset_timestamps',
    '1',
    '-segment_list',
    `${plan.dir}/${SEGMENT_LIST_FILE}`,
    '-segment_list_type',
    'csv',
    '-segment_start_number',
    String(plan.startIndex),
    `${plan.dir}/${SEGMENT_PATTERN}`,
  );
  return args;
}
