/** What ffprobe says about a file, in our terms. */
export interface MediaProbe {
  formatName: string;
  durationS: number;
  video?: { codec: string; width: number; height: number; fps: number; packets?: number };
  audio?: { codec: string; sampleRate: number; channels: number };
}

export interface FinalExpectation {
  video?: { width: number; height: number; fps: number; frames: number };
  audioCodec: string;
  durationS: number;
  toleranceS: number;
}

/** ffprobe's codec name for each delivered audio codec. */
export const PROBED_AUDIO_CODEC: Readonly<Record<string, string>> = {
  aac: 'aac',
  mp3: 'mp3',
  opus: 'opus',
  flac: 'flac',
  wav: 'pcm_s16le',
};

/** Everything wrong with an assembled file; empty means it may be stored and announced. */
export function verifyFinal(probe: MediaProbe, expect: FinalExpectation): string[] {
  const problems: string[] = [];
  if (expect.video) {
    const v = probe.video;
    if (!v) problems.push('no video stream');
    else {
      if (v.codec !== 'h264') problems.push(`video codec ${v.codec}, expected h264`);
      if (v.width !== expect.video.width || v.height !== expect.video.height) {
        problems.push(`video ${v.width}x${v.height}, expected ${expect.video.width}x${expect.video.height}`);
      }
      if (Math.abs(v.fps - expect.video.fps) > 0.01) {
        problems.push(`video at ${v.fps} fps, expected ${expect.video.fps}`);
      }
      if (v.packets !== undefined && v.packets !== expect.video.frames) {
        problems.push(`${v.packets} video frames, expected ${expect.video.frames}`);
      }
    }
  } else if (probe.video) {
    problems.push('unexpected video stream');
  }
  const a = probe.audio;
  if (!a) problems.push('no audio stream');
  else if (a.codec !== expect.audioCodec) {
    problems.push(`audio codec ${a.codec}, expected ${expect.audioCodec}`);
  }
  const off = probe.durationS - expect.durationS;
  if (!Number.isFinite(probe.durationS) || Math.abs(off) > expect.toleranceS) {
    problems.push(
      `duration ${probe.durationS.toFixed(3)} s, expected ${expect.durationS.toFixed(3)} s ± ${expect.toleranceS.toFixed(3)}`,
    );
  }
  return problems;
}
