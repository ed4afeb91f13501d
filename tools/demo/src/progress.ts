import {
  CaptureFinished,
  CaptureStarted,
  RecordingEncoded,
  RecordingTransitioned,
  RecordingUploaded,
  SegmentCaptured,
  SegmentEncoded,
  UploadProgress,
  decode,
  type MessageContract,
  type PayloadOf,
} from '@talkrec/contracts';

const kib = (bytes: number) => `${Math.round(bytes / 1024)} KiB`;
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

interface Line {
  name: string;
  /** The event as the one line the demo prints for it (undefined: invalid, or not worth a line). */
  describe: (data: Uint8Array) => string | undefined;
}

function line<C extends MessageContract>(
  contract: C,
  describe: (p: PayloadOf<C>) => string | undefined,
): Line {
  return {
    name: contract.name,
    describe: (data) => {
      const decoded = decode(contract, data);
      return decoded.ok ? describe(decoded.value) : undefined;
    },
  };
}

const lines: Line[] = [
  line(
    RecordingTransitioned,
    (p) =>
      `state ${p.from} → ${p.to}${p.reason ? ` (${p.reason})` : ''}${p.failure ? `: ${p.failure.stage} ${p.failure.code}: ${p.failure.reason}` : ''}`,
  ),
  line(CaptureStarted, (p) => `capture joined the call on ${p.instanceId}`),
  line(SegmentCaptured, (p) => `captured segment ${p.index} (${seconds(p.durationMs)}, ${kib(p.bytes)})`),
  line(CaptureFinished, (p) => `capture finished after segment ${p.lastIndex} (${p.reason})`),
  line(SegmentEncoded, (p) => `encoded segment ${p.index} (${seconds(p.durationMs)}, ${kib(p.bytes)})`),
  line(RecordingEncoded, (p) => `assembled the file (${seconds(p.durationMs)}, ${kib(p.bytes)})`),
  line(UploadProgress, (p) =>
    p.totalBytes > 0 ? `uploading ${Math.round((100 * p.sentBytes) / p.totalBytes)} %` : undefined,
  ),
  line(RecordingUploaded, (p) => `delivered to ${p.target}: ${p.location} (${kib(p.bytes)})`),
];

/** The demo's progress line for a message on a talkrec subject, if it is one of the stages it shows. */
export function describeProgress(subject: string, data: Uint8Array): string | undefined {
  const tokens = subject.split('.');
  const name = `${tokens[2]}.${tokens[3]}`;
  return lines.find((l) => l.name === name)?.describe(data);
}
