import type { EncodeSegmentJob } from '@talkrec/contracts';
import { AUDIO_RATE, audioTarget, expectedPackets, type LossyCodec } from './audio-codecs.js';
import { pcmPieces, type PcmPiece } from './pcm-plan.js';
import { estimatedPreviousEnd, placeSegment, type Placement, type SegmentLayout } from './timeline.js';

export interface VideoPartPlan {
  /** Frames [start, end) of the recording this part covers. */
  startFrame: number;
  endFrame: number;
  /** Frames of the segment that belong to the part before (timing overlap). */
  trimFrames: number;
  /** Frames added before the segment: black for a takeover gap, the first frame repeated otherwise. */
  padFrames: number;
  pad: 'black' | 'clone';
  width: number;
  height: number;
  fps: number;
}

export interface LossyAudioPartPlan {
  kind: 'lossy';
  codec: LossyCodec;
  kbps: number;
  /** Samples [inputStart, inputEnd) of the recording are encoded; inputStart is on the frame grid. */
  inputStart: number;
  inputEnd: number;
  /** Packets are kept for grid frames [firstFrame, tailEnd); [firstFrame, ownedEnd) are this part's own. */
  firstFrame: number;
  ownedEnd: number;
  /** Frames past ownedEnd up to the end of the segment: used only when no part follows. */
  tailEnd: number;
  /** Last sample of the segment (end trimming of the final file). */
  sampleEnd: number;
  pieces: PcmPiece[];
}

export interface LosslessAudioPartPlan {
  kind: 'lossless';
  codec: 'flac' | 'wav';
  /** Samples [start, end) of the recording. */
  start: number;
  end: number;
  pieces: PcmPiece[];
}

export interface PartPlan {
  index: number;
  video?: VideoPartPlan;
  audio: LossyAudioPartPlan | LosslessAudioPartPlan;
  /** Length of the part's own span (video frames, else audio). */
  durationMs: number;
  /**
   * Samples between the previous segment's end and this one's start as their timestamps place them
   * (negative: overlap). 0 when capture's timing is exact; bridged or trimmed at the cut.
   */
  audioHole: number;
  /** Timing problems worth a log line (the part is still made). */
  warnings: string[];
}

export class PlanError extends Error {
  override readonly name = 'PlanError';
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * The first grid frame whose decoding needs samples past `end` (its output end plus the codec's
 * lookahead): the first frame the next part owns.
 */
export function seamFrame(codec: LossyCodec, end: number): number {
  return Math.floor((end + codec.delaySamples - codec.lookaheadSamples) / codec.frameSamples);
}

const AUDIO_MISMATCH_WARN_SAMPLES = 48;
const ESTIMATE_MARGIN_FRAMES = 4;

/**
 * Which frames and samples of the recording one part covers, and what goes into its encoders.
 *
 * A part starts where the part before it ended. That end is a function of the previous segment
 * alone (its startMs + its content), so both parts compute the same seam without talking to each
 * other, in any order, on any instance. Lossy audio ends `lookahead` short of the segment's end on
 * the codec's global frame grid; the next part encodes those samples again as pre-roll and takes
 * over at the seam frame.
 */
export function planPart(
  job: EncodeSegmentJob,
  layouts: { current: SegmentLayout; previous?: SegmentLayout | undefined },
): PartPlan {
  const { segment, previous, output } = job;
  const fps = output.kind === 'video' ? job.video.fps : undefined;
  const warnings: string[] = [];
  const current = placeSegment(segment, layouts.current, fps);
  let before: Placement;
  if (previous && layouts.previous) {
    before = placeSegment(previous, layouts.previous, fps);
  } else {
    before = estimatedPreviousEnd(segment, fps);
    if (segment.index > 0) warnings.push(`no previous segment: start estimated from startMs − gapBeforeMs`);
  }
  const gap = segment.gapBeforeMs > 0;

  let video: VideoPartPlan | undefined;
  if (output.kind === 'video') {
    const cur = current.video;
    if (!cur || !layouts.current.video) {
      throw new PlanError('segment_invalid', `segment ${segment.index} has no video stream`);
    }
    const startFrame = before.video?.end ?? 0;
    if (cur.end - startFrame < 1) {
      throw new PlanError(
        'segment_timing',
        `segment ${segment.index} ends at frame ${cur.end}, before the previous part's end (${startFrame})`,
      );
    }
    const lead = cur.start - startFrame;
    if (!gap && previous && lead !== 0) {
      warnings.push(
        `video timing: ${lead} frame(s) between segment ${segment.index - 1} and ${segment.index}`,
      );
    }
    video = {
      startFrame,
      endFrame: cur.end,
      trimFrames: Math.max(0, -lead),
      padFrames: Math.max(0, lead),
      pad: gap || !previous ? 'black' : 'clone',
      width: job.video.width,
      height: job.video.height,
      fps: job.video.fps,
    };
  }

  const { traits, kbps } = audioTarget(output);
  const prevSource =
    previous && layouts.previous ? { source: 'previous' as const, ...before.audio } : undefined;
  const curSource = { source: 'current' as const, ...current.audio };
  const audioHole = prevSource && !gap ? curSource.start - prevSource.end : 0;
  if (Math.abs(audioHole) > AUDIO_MISMATCH_WARN_SAMPLES) {
    warnings.push(
      `audio timing: ${audioHole} sample(s) between segment ${segment.index - 1} and ${segment.index}`,
    );
  }
  const first = segment.index === 0 && !previous;
  let audio: PartPlan['audio'];
  if (traits.kind === 'lossy') {
    // Without the previous segment the seam is only estimated: start a little early (silence), the
    // assembler drops whatever the part before already covers.
    const margin = previous ? 0 : ESTIMATE_MARGIN_FRAMES;
    const firstFrame = first ? 0 : seamFrame(traits, before.audio.end) - margin;
    const ownedEnd = Math.max(firstFrame, seamFrame(traits, current.audio.end));
    const tailEnd = Math.max(
      ownedEnd,
      Math.ceil((current.audio.end + traits.delaySamples) / traits.frameSamples),
    );
    const inputStart = (firstFrame - traits.prerollFrames) * traits.frameSamples;
    const inputEnd = Math.max(current.audio.end, inputStart + traits.frameSamples);
    audio = {
      kind: 'lossy',
      codec: traits,
      kbps,
      inputStart,
      inputEnd,
      firstFrame,
      ownedEnd,
      tailEnd,
      sampleEnd: current.audio.end,
      pieces: pcmPieces(inputStart, inputEnd, prevSource, curSource, gap),
    };
  } else {
    const start = first ? 0 : before.audio.end;
    const end = Math.max(start, current.audio.end);
    audio = {
      kind: 'lossless',
      codec: traits.codec,
      start,
      end,
      pieces: pcmPieces(start, end, prevSource, curSource, gap),
    };
  }

  const durationMs = video
    ? Math.round(((video.endFrame - video.startFrame) * 1000) / video.fps)
    : audio.kind === 'lossy'
      ? Math.round(((audio.ownedEnd - audio.firstFrame) * audio.codec.frameSamples * 1000) / AUDIO_RATE)
      : Math.round(((audio.end - audio.start) * 1000) / AUDIO_RATE);
  return { index: segment.index, ...(video ? { video } : {}), audio, durationMs, audioHole, warnings };
}

/**
 * The packets of this part's grid frames out of everything its encoder wrote, after checking the
 * encoder emitted as many packets as the measured delay predicts (a changed encoder would shift the
 * grid and must not go unnoticed).
 */
export function keepPartPackets<T>(plan: LossyAudioPartPlan, packets: readonly T[]): T[] {
  const input = plan.inputEnd - plan.inputStart;
  const expected = expectedPackets(plan.codec, input);
  if (packets.length !== expected) {
    throw new PlanError(
      'encoder_delay_changed',
      `${plan.codec.codec} encoder wrote ${packets.length} packets for ${input} samples, expected ${expected}`,
    );
  }
  const skip = plan.firstFrame - plan.inputStart / plan.codec.frameSamples;
  return packets.slice(skip, skip + plan.tailEnd - plan.firstFrame);
}
