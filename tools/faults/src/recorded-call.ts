import { SyntheticCall, probe, type TalkrecChain } from '@talkrec/testing';

export interface CallPlan {
  room: string;
  /** Segments of media the call lasts (the chain's segment length each). */
  segments: number;
  /** Runs once the recording is capturing (after its first segment): where a fault goes mid-call. */
  midCall?: (recordingId: string) => Promise<void>;
  /** Runs right after everyone left: where a fault goes mid-pipeline. */
  afterCall?: (recordingId: string) => Promise<void>;
  /** How long the recording may take to be delivered after the call (faults slow it down). */
  deliveryTimeoutMs?: number;
}

export interface RecordingFate {
  recordingId: string;
  delivered: boolean;
  /** Seconds of media the file holds, and of media the capture stored. */
  fileS?: number;
  capturedS: number;
  detail: string;
}

/** Seconds of media stored for a recording (a redelivered segment event is no more media). */
const capturedSeconds = (chain: TalkrecChain, recordingId: string): number =>
  chain.segments(recordingId).reduce((sum, s) => sum + s.durationMs, 0) / 1000;

/**
 * A two-person call auto-recorded from its call events, with faults injected at the given points; the
 * recording counts as delivered when it reaches `done` and the file in Nextcloud plays for at least as
 * long as the media the capture stored (less a second of rounding).
 */
export async function recordCall(chain: TalkrecChain, plan: CallPlan): Promise<RecordingFate> {
  chain.addRoom(plan.room);
  const call = await SyntheticCall.join(chain.hpb, plan.room);
  let recordingId = '';
  try {
    await call.enter();
    recordingId = await chain.recordingRequested(plan.room, 60_000);
    await chain.segmentCaptured(recordingId, 0, 120_000);
    if (plan.midCall) await plan.midCall(recordingId);
    await chain.segmentCaptured(recordingId, plan.segments - 1, 300_000);
    await call.leave();
    if (plan.afterCall) await plan.afterCall(recordingId);
    await chain.reached(recordingId, 'done', plan.deliveryTimeoutMs ?? 300_000);
  } catch (err) {
    const capturedS = recordingId ? capturedSeconds(chain, recordingId) : 0;
    return {
      recordingId,
      delivered: false,
      capturedS,
      detail: err instanceof Error ? err.message.split('\n')[0]! : String(err),
    };
  } finally {
    await call.stop();
  }
  const uploaded = chain.recordings().get(recordingId)?.uploaded;
  const capturedS = capturedSeconds(chain, recordingId);
  if (!uploaded) {
    return { recordingId, delivered: false, capturedS, detail: 'done without an upload.done event' };
  }
  const fileS = (await probe(chain.deliveredPath(uploaded))).durationS;
  const delivered = fileS >= capturedS - 1;
  return {
    recordingId,
    delivered,
    fileS,
    capturedS,
    detail: `${fileS.toFixed(1)} s delivered of ${capturedS.toFixed(1)} s captured`,
  };
}
