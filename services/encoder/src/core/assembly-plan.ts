import type { AssembleJob } from '@talkrec/contracts';
import { AUDIO_RATE, audioTarget } from './audio-codecs.js';
import { PlanError } from './part-plan.js';
import type { LosslessPartMeta, LossyPartMeta, VideoPartMeta } from './part-meta.js';

export interface StoredPart {
  index: number;
  video?: VideoPartMeta;
  audio: LossyPartMeta | LosslessPartMeta;
}

export interface AssemblyPlan {
  video?: { durationsS: number[]; frames: number; fps: number; durationS: number };
  audio:
    | { kind: 'lossy'; codec: LossyPartMeta['codec']; skip: number[]; take: number[]; endSample: number }
    | { kind: 'lossless'; durationsS: number[]; endSample: number };
  /** What ffprobe must find: duration within `toleranceS` (one frame per part). */
  expectedDurationS: number;
  toleranceS: number;
  /** Seams where parts do not meet exactly (only after an estimated takeover start). */
  warnings: string[];
}

function videoJoin(job: AssembleJob, parts: readonly StoredPart[], warnings: string[]) {
  const metas = parts.map((p) => {
    if (!p.video) throw new PlanError('part_invalid', `part ${p.index} has no video`);
    if (p.video.fps !== job.video.fps) {
      throw new PlanError(
        'part_invalid',
        `part ${p.index} is ${p.video.fps} fps, the recording ${job.video.fps}`,
      );
    }
    return p.video;
  });
  metas.forEach((m, i) => {
    const expected = i === 0 ? 0 : metas[i - 1]!.endFrame;
    if (m.startFrame !== expected) {
      warnings.push(`video part ${parts[i]!.index} starts at frame ${m.startFrame}, expected ${expected}`);
    }
  });
  // A part that starts later than the one before ended (an estimated seam) keeps its place on the
  // timeline: the frame before it is shown longer, and the audio stays in sync.
  const durationsS = metas.map((m, i) => {
    const next = metas[i + 1];
    const frames = Math.max(m.endFrame - m.startFrame, next ? next.startFrame - m.startFrame : 0);
    return frames / job.video.fps;
  });
  return {
    durationsS,
    frames: metas.reduce((a, m) => a + m.endFrame - m.startFrame, 0),
    fps: job.video.fps,
    durationS: durationsS.reduce((a, d) => a + d, 0),
  };
}

/**
 * Each part's own frames win; a part's tail fills in when the next one starts later (an estimated
 * seam after a takeover), and the next one's head is skipped when it starts earlier.
 */
function lossyJoin(codec: LossyPartMeta['codec'], parts: readonly StoredPart[]): AssemblyPlan['audio'] {
  const metas = parts.map((p) => {
    if (p.audio.kind !== 'audio-lossy' || p.audio.codec !== codec) {
      throw new PlanError('part_invalid', `part ${p.index} is not ${codec} audio`);
    }
    return p.audio;
  });
  if (metas[0]!.firstFrame !== 0) {
    throw new PlanError('part_invalid', `part ${parts[0]!.index} does not start the recording's audio`);
  }
  const skip: number[] = [];
  const take: number[] = [];
  let cursor = 0;
  metas.forEach((m, i) => {
    const next = metas[i + 1];
    const end = next ? Math.min(m.tailEnd, Math.max(m.ownedEnd, next.firstFrame)) : m.tailEnd;
    if (cursor < m.firstFrame) {
      throw new PlanError(
        'audio_gap',
        `audio frames ${cursor}…${m.firstFrame} before part ${parts[i]!.index} are in no part`,
      );
    }
    skip.push(Math.min(cursor, end) - m.firstFrame);
    take.push(Math.max(0, end - cursor));
    cursor = Math.max(cursor, end);
  });
  return { kind: 'lossy', codec, skip, take, endSample: metas[metas.length - 1]!.sampleEnd };
}

function losslessJoin(codec: LosslessPartMeta['codec'], parts: readonly StoredPart[], warnings: string[]) {
  const metas = parts.map((p) => {
    if (p.audio.kind !== 'audio-lossless' || p.audio.codec !== codec) {
      throw new PlanError('part_invalid', `part ${p.index} is not ${codec} audio`);
    }
    return p.audio;
  });
  metas.forEach((m, i) => {
    const expected = i === 0 ? 0 : metas[i - 1]!.endSample;
    if (m.startSample !== expected) {
      warnings.push(`audio part ${parts[i]!.index} starts at sample ${m.startSample}, expected ${expected}`);
    }
  });
  return {
    kind: 'lossless' as const,
    durationsS: metas.map((m) => (m.endSample - m.startSample) / AUDIO_RATE),
    endSample: metas.reduce((sum, m) => sum + m.endSample - m.startSample, 0),
  };
}

/**
 * Checks that the stored parts tile the recording and decides what to take from each: video parts
 * whole, lossy audio by grid frame (the last part keeps its tail), lossless audio whole; and what the
 * delivered file's duration must be.
 */
export function planAssembly(job: AssembleJob, parts: readonly StoredPart[]): AssemblyPlan {
  const warnings: string[] = [];
  parts.forEach((p, i) => {
    if (i > 0 && p.index <= parts[i - 1]!.index) {
      throw new PlanError('part_invalid', `parts are not in ascending order at part ${p.index}`);
    }
  });
  const { traits } = audioTarget(job.output);
  const video = job.output.kind === 'video' ? videoJoin(job, parts, warnings) : undefined;
  const audio =
    traits.kind === 'lossy' ? lossyJoin(traits.codec, parts) : losslessJoin(traits.codec, parts, warnings);
  // A lossy stream may run up to one frame past its last sample, plus its priming where Matroska keeps it.
  const audioSlackS =
    traits.kind === 'lossy' ? (traits.frameSamples + traits.delaySamples) / AUDIO_RATE : 0.002;
  const perPartS = video ? 1 / video.fps : traits.kind === 'lossy' ? traits.frameSamples / AUDIO_RATE : 0;
  return {
    ...(video ? { video } : {}),
    audio,
    expectedDurationS: video ? video.durationS : audio.endSample / AUDIO_RATE,
    toleranceS: parts.length * perPartS + audioSlackS,
    warnings,
  };
}
