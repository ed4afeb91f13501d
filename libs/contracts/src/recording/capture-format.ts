/**
 * The format capture writes segments in, which the encoder reads: cheap enough to encode in real time
 * beside Chromium, close to lossless (crf 18), and every segment opening on an IDR frame so each one
 * decodes on its own. Benchmarks that stand in for capture use the same options.
 */

/** ffmpeg output options for capture-format video at `fps`, cut into `segmentSeconds` segments. */
export function captureVideoCodecOptions(fps: number, segmentSeconds: number): string[] {
  return [
    '-c:v',
    'libx264',
    '-preset',
    'ultrafast',
    '-crf',
    '18',
    '-pix_fmt',
    'yuv420p',
    '-fps_mode',
    'cfr',
    '-r',
    String(fps),
    '-g',
    String(fps * segmentSeconds),
    '-force_key_frames',
    `expr:gte(t,n_forced*${segmentSeconds})`,
    '-forced-idr',
    '1',
  ];
}

/** ffmpeg output options for capture-format audio: 48 kHz stereo PCM. */
export const CAPTURE_AUDIO_CODEC_OPTIONS: readonly string[] = [
  '-c:a',
  'pcm_s16le',
  '-ar',
  '48000',
  '-ac',
  '2',
];
