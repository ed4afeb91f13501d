import { inject, injectable } from 'tsyringe';
import {
  AnnouncementResult,
  CAPTURING_STATES,
  CaptureFinished,
  CaptureParticipants,
  CaptureStarted,
  RecordingEncoded,
  RecordingRequested,
  RecordingTransitioned,
  RecordingUploaded,
  SegmentCaptured,
  SegmentEncoded,
  Stage,
  StageFailed,
  subjects,
  type MessageContract,
} from '@talkrec/contracts';
import { done, route, skipped, type JobRoute, type Outcome } from '@talkrec/platform';
import type { StateStore } from '../adapters/state-store.js';
import type { MachineInput } from '../core/recording-machine.js';
import { CallWatcher } from '../leader/call-watcher.js';
import { Orchestrator } from '../leader/orchestrator.js';
import { CTOKENS } from '../tokens.js';

const prefix = (c: MessageContract) => subjects.event(c, '');

/**
 * Stage events → the recording machine (and capture's participant list → the safety net); what became of
 * the notices → the recording's state.
 */
@injectable()
export class EventHandler {
  constructor(
    @inject(Orchestrator) private readonly orchestrator: Orchestrator,
    @inject(CallWatcher) private readonly watcher: CallWatcher,
    @inject(CTOKENS.Store) private readonly store: StateStore,
  ) {}

  routes(): JobRoute[] {
    const own = () => Promise.resolve(skipped('own event'));
    return [
      route(prefix(RecordingRequested), RecordingRequested, own),
      route(prefix(RecordingTransitioned), RecordingTransitioned, own),
      route(prefix(CaptureStarted), CaptureStarted, (e) =>
        this.apply(e.recordingId, { kind: 'capture.started', event: e }),
      ),
      route(prefix(SegmentCaptured), SegmentCaptured, (e) =>
        this.apply(e.recordingId, { kind: 'capture.segment', event: e }),
      ),
      route(prefix(CaptureFinished), CaptureFinished, (e) =>
        this.apply(e.recordingId, { kind: 'capture.finished', event: e }),
      ),
      route(prefix(SegmentEncoded), SegmentEncoded, (e) =>
        this.apply(e.recordingId, { kind: 'encode.segment', event: e }),
      ),
      route(prefix(RecordingEncoded), RecordingEncoded, (e) =>
        this.apply(e.recordingId, { kind: 'encode.assembled', event: e }),
      ),
      route(prefix(RecordingUploaded), RecordingUploaded, (e) =>
        this.apply(e.recordingId, { kind: 'upload.done', event: e }),
      ),
      route(prefix(AnnouncementResult), AnnouncementResult, (e) =>
        this.apply(e.recordingId, { kind: 'announce.result', event: e }),
      ),
      route(prefix(CaptureParticipants), CaptureParticipants, async (e) => {
        const current = await this.store.recording(e.recordingId);
        if (!current) return skipped('unknown recording');
        const s = current.value;
        // Only a recording still being captured (and not already stopping) needs the safety net.
        if (!CAPTURING_STATES.includes(s.state) || s.state === 'stopping') {
          return skipped(`recording is ${s.state}`);
        }
        const room = { backendId: s.spec.backend.id, roomToken: s.spec.room.token };
        await this.watcher.captureParticipants(room, e.recordingId, e.participants.length, Date.parse(e.at));
        return done();
      }),
      ...Stage.options.map((stage) =>
        route(subjects.stageFailed(stage, ''), StageFailed, (e) =>
          this.apply(e.recordingId, { kind: 'stage.failed', event: e }),
        ),
      ),
    ];
  }

  private async apply(recordingId: string, input: MachineInput): Promise<Outcome> {
    const result = await this.orchestrator.apply(recordingId, input);
    if (!result) return skipped('unknown recording');
    return result.changed ? done() : skipped(`${input.kind} changes nothing now`);
  }
}
