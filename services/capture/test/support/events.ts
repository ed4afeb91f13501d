import {
  CaptureStarted,
  SegmentCaptured,
  decode,
  subjects,
  type MessageContract,
  type PayloadOf,
} from '@talkrec/contracts';
import type { NatsTap, TappedMessage } from '@talkrec/testing';

export const payload = <C extends MessageContract>(c: C, m: TappedMessage): PayloadOf<C> => {
  const d = decode(c, m.data);
  if (!d.ok) throw d.error;
  return d.value;
};

export const isEvent = (c: MessageContract, id: string) => (m: TappedMessage) =>
  m.subject === subjects.event(c, id);

export type Segment = PayloadOf<typeof SegmentCaptured>;
export type Started = PayloadOf<typeof CaptureStarted>;

/** Segment events of a recording seen so far, in arrival order. */
export const segmentsOf = (tap: NatsTap, id: string): Segment[] =>
  tap.messages.filter(isEvent(SegmentCaptured, id)).map((m) => payload(SegmentCaptured, m));

export const waitForSegment = (tap: NatsTap, id: string, pred: (s: Segment) => boolean, timeoutMs = 30_000) =>
  tap.waitFor((m) => isEvent(SegmentCaptured, id)(m) && pred(payload(SegmentCaptured, m)), timeoutMs);

export const waitForStart = (tap: NatsTap, id: string, pred: (s: Started) => boolean, timeoutMs = 60_000) =>
  tap.waitFor((m) => isEvent(CaptureStarted, id)(m) && pred(payload(CaptureStarted, m)), timeoutMs);

/** The recording's timeline is gapless except where a segment declares its gap. */
export function timelineProblems(segments: Segment[]): string[] {
  const problems: string[] = [];
  segments.forEach((s, i) => {
    if (s.index !== i) problems.push(`segment ${i} has index ${s.index}`);
    const prev = segments[i - 1];
    if (prev && s.startMs !== prev.startMs + prev.durationMs + s.gapBeforeMs) {
      problems.push(
        `segment ${s.index} starts at ${s.startMs}, expected ${prev.startMs + prev.durationMs + s.gapBeforeMs}`,
      );
    }
  });
  return problems;
}
