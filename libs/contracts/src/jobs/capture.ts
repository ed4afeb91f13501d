import { z } from 'zod';
import { RecordingId, Timestamp, schemaVersion } from '../common.js';
import { defineMessage } from '../message.js';
import { RecordingSpec } from '../recording/spec.js';

/**
 * Record one call. The job stays unacknowledged for as long as the capture runs (in-progress acks are
 * its heartbeat); if the instance dies, JetStream redelivers it and another instance continues the
 * same recording. The stop arrives through the recording's state in the `recordings` bucket.
 */
export const CaptureJob = defineMessage(
  'capture.record',
  1,
  z.object({
    v: schemaVersion(1),
    recordingId: RecordingId,
    at: Timestamp,
    spec: RecordingSpec,
  }),
);
export type CaptureJob = z.infer<typeof CaptureJob.schema>;
