import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import {
  CaptureFinished,
  RecordingTransitioned,
  RecordingUploaded,
  decode,
  parseEventSubject,
  subjects,
  type RecordingStateName,
} from '@talkrec/contracts';
// A benchmark is a tool, not production code: it runs the built services on the test harness's real
// HPB, as the demo and the end-to-end tests do.
import {
  DEFAULT_MEMBERS,
  RECORDER_USER,
  SyntheticCall,
  TalkrecChain,
  probe,
  removeDir,
  tempDir,
} from '@talkrec/testing';
import {
  CONTENT_NOTES,
  SEGMENT_S,
  makeSegments,
  type PremadeSegment,
  type SegmentContent,
} from './segments.js';
import { SyntheticCapture } from './synthetic-capture.js';

const USAGE = `node tools/demo/dist/bench/chain.bench.js [--only <prefix>] [--quick] [--content-30 still|call|full]

Whole-chain figures (shared/docs/bench.md), one JSON line each on stdout, progress on stderr:
  upload.finish_to_confirmed_s[.1min|.10min]  capture.finished → upload.done, real controller, encoder and
                                              uploader, an accelerated synthetic capture (no browser)
  e2e.call_end_to_available_s                 the demo chain: last participant leaves → upload.done
--quick runs only the 1- and 10-minute recordings. The 30-minute one uses cheap content (still) unless
--content-30 says otherwise: with call-like content the encoder's pace makes it ~20 min here.`;

const UPLOAD = 'upload.finish_to_confirmed_s';
const E2E = 'e2e.call_end_to_available_s';
interface Length {
  minutes: number;
  metric: string;
  content: SegmentContent;
}
/** Distinct pre-made segments; longer recordings cycle through them. */
const PREMADE = 3;
/** The demo's call: 30 s in 5 s segments (tools/demo/src/main.ts). */
const CALL_S = 30;
const CALL_SEGMENT_S = 5;
/** The room's participant in the control-plane chain (no media: a signaling session is enough). */
const USER = 'alice';

const { values: args } = parseArgs({
  options: {
    only: { type: 'string', default: process.env.BENCH_ONLY ?? '' },
    quick: { type: 'boolean', default: false },
    'content-30': { type: 'string', default: 'still' },
    /** Service log level, and a folder to keep the services' logs in (to see where the time goes). */
    'log-level': { type: 'string', default: 'warn' },
    logs: { type: 'string' },
    help: { type: 'boolean', default: false },
  },
});
if (args.help) {
  process.stdout.write(`${USAGE}\n`);
  process.exit(0);
}
const content30 = args['content-30'];
if (content30 !== 'still' && content30 !== 'call' && content30 !== 'full') {
  throw new Error('--content-30 must be still, call or full');
}
const LENGTHS: readonly Length[] = [
  { minutes: 1, metric: `${UPLOAD}.1min`, content: 'call' },
  { minutes: 10, metric: `${UPLOAD}.10min`, content: 'call' },
  { minutes: 30, metric: UPLOAD, content: content30 },
];

const wants = (metric: string) => metric.startsWith(args.only);
const round = (x: number, digits = 2) => Number(x.toFixed(digits));
const mb = (bytes: number) => `${(bytes / 1e6).toFixed(1)} MB`;
const print = (metric: string, value: number, n: number, note: string) => {
  if (wants(metric)) {
    process.stdout.write(`${JSON.stringify({ metric, value: round(value), unit: 's', n, note })}\n`);
  }
};
const progress = (line: string) =>
  process.stderr.write(`chain bench ${new Date().toISOString().slice(11, 19)}: ${line}\n`);
const roomToken = (label: string) => `bench${label}${Date.now().toString(36)}`;

/** When the tap saw an event of the recording (ms since the epoch). */
async function seenAt(chain: TalkrecChain, subject: string, timeoutMs: number): Promise<number> {
  return (await chain.tap.waitFor((m) => m.subject === subject, timeoutMs)).at;
}

/** When the recording entered each state, as the tap saw the transitions. */
function transitionsAt(chain: TalkrecChain, id: string): Partial<Record<RecordingStateName, number>> {
  const out: Partial<Record<RecordingStateName, number>> = {};
  for (const m of chain.tap.messages) {
    const parsed = parseEventSubject(m.subject);
    if (parsed?.recordingId !== id || parsed.name !== RecordingTransitioned.name) continue;
    const d = decode(RecordingTransitioned, m.data);
    if (d.ok) out[d.value.to] ??= m.at;
  }
  return out;
}

/** The delivered file, from the stand-in's WebDAV storage: duration and size. */
async function delivered(
  chain: TalkrecChain,
  id: string,
): Promise<{ durationS: number; bytes: number; shared: boolean }> {
  const uploaded = chain.recordings().get(id)?.uploaded;
  if (!uploaded) throw new Error(`recording ${id} is done but no upload.done event was seen`);
  const info = await probe(chain.deliveredPath(uploaded));
  return { durationS: info.durationS, bytes: uploaded.bytes, shared: uploaded.sharedToRoom };
}

/** Copies every service's log into --logs before the chain removes them. */
async function keepLogs(chain: TalkrecChain, label: string): Promise<void> {
  if (!args.logs) return;
  await mkdir(args.logs, { recursive: true });
  for (const [service, procs] of Object.entries(chain.services)) {
    for (const [i, proc] of procs.entries()) {
      await writeFile(path.join(args.logs, `${label}-${service}-${i}.log`), proc.log());
    }
  }
}

function dumpLogs(chain: TalkrecChain): void {
  for (const [service, procs] of Object.entries(chain.services)) {
    for (const proc of procs) {
      process.stderr.write(
        `--- last lines of ${service}'s log\n${proc.log().split('\n').slice(-30).join('\n')}\n`,
      );
    }
  }
}

/**
 * One recording of `minutes` through the real controller, encoder and uploader: a call in its own room
 * starts it (the stand-in tells the HPB, the HPB the controller), the synthetic capture records it, the
 * call ends with the last segment open, and the figure is capture.finished → upload.done.
 */
async function recordOnce(
  chain: TalkrecChain,
  capture: SyntheticCapture,
  room: string,
  { minutes, content }: Length,
  premade: readonly PremadeSegment[],
): Promise<{ seconds: number; note: string }> {
  const segments = (minutes * 60) / SEGMENT_S;
  // The recording account is a member, as an admin sets it up, so the file can be shared into the room.
  chain.nextcloud.directory.addRoom(room, [USER, RECORDER_USER]);
  capture.plan(room, { segments, premade });
  const client = await chain.hpb.connectUser(USER, room);
  try {
    const began = Date.now();
    const joined = await chain.nextcloud.hpb.joinCall(room, USER);
    if (joined.status !== 200) throw new Error(`joinCall: ${joined.status} ${joined.body}`);
    const id = await chain.recordingRequested(room, 60_000);
    // Rejects as soon as the recording fails, so a broken run stops waiting at once.
    const done = chain.reached(id, 'done', (segments * 60 + 600) * 1000);
    done.catch(() => undefined);
    await Promise.race([capture.lastSegmentOpen(id), done]);
    const recordedS = (Date.now() - began) / 1000;
    progress(`${minutes} min: ${segments - 1} segments encoded in ${recordedS.toFixed(0)} s; the call ends`);
    const left = await chain.nextcloud.hpb.leaveCall(room, USER);
    if (left.status !== 200) throw new Error(`leaveCall: ${left.status} ${left.body}`);
    const finishedAt = await seenAt(chain, subjects.event(CaptureFinished, id), 120_000);
    await done;
    const uploadedAt = await seenAt(chain, subjects.event(RecordingUploaded, id), 10_000);
    const at = transitionsAt(chain, id);
    const file = await delivered(chain, id);
    const seconds = (uploadedAt - finishedAt) / 1000;
    const phase = (from: number | undefined, to: number | undefined) =>
      from !== undefined && to !== undefined ? `${((to - from) / 1000).toFixed(2)} s` : '?';
    const captured = capture.runOf(id);
    progress(
      `${minutes} min: capture.finished → upload.done ${seconds.toFixed(2)} s (file ${file.durationS.toFixed(1)} s, ${mb(file.bytes)})`,
    );
    if (Math.abs(file.durationS - minutes * 60) > 1) {
      throw new Error(`the delivered file lasts ${file.durationS} s, not ${minutes * 60} s`);
    }
    return {
      seconds,
      note:
        `${minutes}-min recording (${segments}×${SEGMENT_S} s 720p30 segments, ${CONTENT_NOTES[content]}` +
        `, ${mb(captured?.bytes ?? 0)} captured) → mp4 ${file.durationS.toFixed(1)} s, ${mb(file.bytes)} in the stand-in's WebDAV; ` +
        `last segment encoded ${phase(finishedAt, at.encoding)}, assembled ${phase(at.encoding, at.encoded)}, ` +
        `uploaded${file.shared ? '+shared into the room' : ' (NOT shared into the room)'} ${phase(at.encoded, uploadedAt)}; real controller/encoder/uploader processes, ` +
        `synthetic capture paced by the encoder (recorded in ${recordedS.toFixed(0)} s wall), the call ending ` +
        `with a full last segment open; 2 vCPUs shared with other work`,
    };
  } finally {
    await client.close().catch(() => undefined);
  }
}

async function uploadFigures(lengths: readonly Length[]): Promise<void> {
  const dir = await tempDir('chain-bench');
  const premade = new Map<SegmentContent, PremadeSegment[]>();
  for (const content of new Set(lengths.map((l) => l.content))) {
    progress(`making ${PREMADE} capture-format segments (${content})…`);
    const into = path.join(dir, content);
    await mkdir(into);
    premade.set(content, await makeSegments(into, PREMADE, content));
  }
  const rooms = lengths.map((l) => roomToken(`${l.minutes}m`));
  progress('starting nats-server, signaling, the Nextcloud stand-in, controller, encoder, uploader…');
  const chain = await TalkrecChain.start({
    media: false,
    instances: { capture: 0 },
    autoRecord: rooms.join(','),
    logLevel: args['log-level'],
  });
  let capture: SyntheticCapture | undefined;
  try {
    capture = await SyntheticCapture.start(chain.natsUrl);
    for (const [i, length] of lengths.entries()) {
      const result = await recordOnce(chain, capture, rooms[i]!, length, premade.get(length.content)!);
      print(length.metric, result.seconds, 1, result.note);
    }
  } catch (err) {
    dumpLogs(chain);
    throw err;
  } finally {
    await capture?.stop().catch(() => undefined);
    await keepLogs(chain, 'upload').catch(() => undefined);
    await chain.stop();
    await removeDir(dir);
  }
}

/** The demo (tools/demo/src/main.ts), timed from the last participant's leave to the upload. */
async function callEndFigure(): Promise<void> {
  const room = roomToken('e2e');
  progress('starting the demo chain (HPB with Janus, four services)…');
  const chain = await TalkrecChain.start({
    autoRecord: room,
    segmentSeconds: CALL_SEGMENT_S,
    logLevel: args['log-level'],
  });
  let call: SyntheticCall | undefined;
  try {
    const directory = chain.nextcloud.directory;
    for (const m of DEFAULT_MEMBERS) directory.addUser(m.userId, m.displayName);
    directory.addRoom(room, [...DEFAULT_MEMBERS.map((m) => m.userId), RECORDER_USER]);
    call = await SyntheticCall.join(chain.hpb, room);
    await call.enter();
    const id = await chain.recordingRequested(room, 60_000);
    await chain.reached(id, 'recording', 120_000);
    progress(`recording ${id}: a ${CALL_S} s call with ${call.participants.length} participants`);
    await chain.segmentCaptured(id, Math.ceil(CALL_S / CALL_SEGMENT_S) - 1, (CALL_S + 120) * 1000);
    const last = call.participants.at(-1)!;
    for (const p of call.participants.slice(0, -1)) await p.leave();
    const leftAt = Date.now();
    await last.leave();
    await chain.reached(id, 'done', 600_000);
    const uploadedAt = await seenAt(chain, subjects.event(RecordingUploaded, id), 10_000);
    const finishedAt = await seenAt(chain, subjects.event(CaptureFinished, id), 1_000);
    const at = transitionsAt(chain, id);
    const file = await delivered(chain, id);
    const seconds = (uploadedAt - leftAt) / 1000;
    const s = (from: number | undefined, to: number | undefined) =>
      from !== undefined && to !== undefined ? `${((to - from) / 1000).toFixed(2)} s` : '?';
    progress(`last leave → upload.done ${seconds.toFixed(2)} s (file ${file.durationS.toFixed(1)} s)`);
    print(
      E2E,
      seconds,
      1,
      `one run (n=1): demo chain (real HPB + Janus, 2 Chromium participants, 720p30, ${CALL_SEGMENT_S} s segments), ` +
        `~${CALL_S} s call → mp4 ${file.durationS.toFixed(1)} s, ${mb(file.bytes)}${file.shared ? ', shared into the room' : ''}; includes the call-end grace ` +
        `(CALL_GRACE_S=3 in the chain, 15 by default): leave → stopping ${s(leftAt, at.stopping)}, ` +
        `→ capture.finished ${s(at.stopping, finishedAt)}, → upload.done ${s(finishedAt, uploadedAt)} ` +
        `(last segment encoded ${s(finishedAt, at.encoding)}, assembled ${s(at.encoding, at.encoded)}, ` +
        `uploaded ${s(at.encoded, uploadedAt)}); ` +
        `2 vCPUs shared with other work`,
    );
  } catch (err) {
    dumpLogs(chain);
    throw err;
  } finally {
    await call?.stop();
    await keepLogs(chain, 'e2e').catch(() => undefined);
    await chain.stop();
  }
}

/** False when no figure of this bench was asked for (then it prints nothing). */
async function main(): Promise<boolean> {
  const lengths = LENGTHS.filter((l) => wants(l.metric) && !(args.quick && l.minutes > 10));
  const callEnd = wants(E2E) && !args.quick;
  if (lengths.length) await uploadFigures(lengths);
  if (callEnd) await callEndFigure();
  return lengths.length > 0 || callEnd;
}

const started = Date.now();
main().then(
  (ran) => {
    if (ran) progress(`finished in ${((Date.now() - started) / 1000).toFixed(0)} s`);
    process.exit(0);
  },
  (err: unknown) => {
    process.stderr.write(
      `chain bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
    );
    process.exit(1);
  },
);
