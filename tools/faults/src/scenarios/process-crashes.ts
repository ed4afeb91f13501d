import { RecordingTransitioned, SegmentEncoded, decode, parseEventSubject } from '@talkrec/contracts';
import { crashAndReplace } from '../chain-tools.js';
import { recordCall } from '../recorded-call.js';
import { fromFate, type Scenario } from '../scenario.js';

const SEGMENTS = 4;

/** kill -9 of the capture holding the call: the other instance takes the lease and continues. */
export const captureCrash: Scenario = {
  name: 'kill -9 capture mid-call',
  async run({ chain, room }) {
    let killed = -1;
    const fate = await recordCall(chain, {
      room: room(),
      segments: SEGMENTS + 2,
      midCall: async (id) => {
        killed = await chain.captureInstanceOf(id);
        await chain.services.capture[killed]!.kill();
      },
    });
    // Back to two instances for the next scenarios (after the fate: the survivor had to do it alone).
    if (killed >= 0) await chain.restart('capture', killed);
    return fromFate(fate, `capture-${killed} killed, the other instance continued`);
  },
};

/** kill -9 of the encoder while it transcodes a segment: the job is redelivered to the new process. */
export const encoderCrash: Scenario = {
  name: 'kill -9 encoder mid-job',
  async run({ chain, room }) {
    const fate = await recordCall(chain, {
      room: room(),
      segments: SEGMENTS,
      midCall: async (id) => {
        await chain.segmentCaptured(id, 1);
        await crashAndReplace(chain, 'encoder', 0, 1_000);
      },
    });
    const encoded = chain.tap.messages.filter((m) => {
      const p = parseEventSubject(m.subject);
      return p?.recordingId === fate.recordingId && p.name === SegmentEncoded.name;
    });
    return fromFate(fate, `encoder killed after segment 1 was captured; ${encoded.length} encode events`);
  },
};

/** kill -9 of the uploader as the upload starts: the upload job survives and resumes. */
export const uploaderCrash: Scenario = {
  name: 'kill -9 uploader mid-job',
  async run({ chain, room }) {
    const fate = await recordCall(chain, {
      room: room(),
      segments: SEGMENTS,
      afterCall: async (id) => {
        await chain.reached(id, 'uploading', 180_000);
        await crashAndReplace(chain, 'uploader', 0, 1_000);
      },
    });
    return fromFate(fate, 'uploader killed as the upload began');
  },
};

/** kill -9 of the controller mid-call: a new one reloads the call and the recording from the KV store. */
export const controllerCrash: Scenario = {
  name: 'controller restart mid-call',
  async run({ chain, room }) {
    const fate = await recordCall(chain, {
      room: room(),
      segments: SEGMENTS,
      midCall: async () => {
        await crashAndReplace(chain, 'controller', 0, 1_000);
      },
    });
    const transitions = chain.tap.messages.filter((m) => {
      const p = parseEventSubject(m.subject);
      return p?.recordingId === fate.recordingId && p.name === RecordingTransitioned.name;
    });
    const states = transitions.flatMap((m) => {
      const d = decode(RecordingTransitioned, m.data);
      return d.ok ? [d.value.to] : [];
    });
    return fromFate(fate, `controller killed while recording; states ${states.join('→')}`);
  },
};
