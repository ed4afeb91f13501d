import path from 'node:path';
import { connect, type NatsConnection } from 'nats';
import {
  CaptureFinished,
  CaptureHeartbeat,
  CaptureJob,
  CaptureStarted,
  RecordingSpec,
  RecordingState,
  SegmentCaptured,
  decode,
  encode,
  kv,
  subjects,
  type MessageContract,
  type PayloadOf,
} from '@talkrec/contracts';
import { newRecordingId } from '@talkrec/platform';
// A benchmark is a tool, not production code: it drives the built service on the test harness's real
// HPB with synthetic participants, as the integration tests do.
import {
  HpbStack,
  NatsServer,
  ServiceProcess,
  SyntheticParticipant,
  removeDir,
  tempDir,
} from '@talkrec/testing';
import { CpuWindow, serviceProcesses } from './proc-sampler.js';

/**
 * Capture's benchmark figures (bench.md): one 720p30 recording of a call with two synthetic participants
 * (the built service, the real call-view page, real signaling + Janus): cores and memory of all its
 * processes, bytes of segments per second of call; then how many such recordings the machine holds at
 * once in real time. The participants, Janus and the signaling server are the call, not capture: they
 * run on the same machine here and are not counted, but they do take CPU from it.
 */
const ONLY = process.env.BENCH_ONLY ?? '';
const wants = (metric: string) => metric.startsWith(ONLY);
const WINDOWS = 3;
const WINDOW_S = 20;
const WARMUP_S = 8;
const CONCURRENT_RUN_S = 30;
const MAX_CONCURRENT = 4;
const VIDEO = { width: 1280, height: 720, fps: 30 };
const PAGE_DIR = path.resolve(import.meta.dirname, '..', 'page');

const sleep = (s: number) => new Promise((r) => setTimeout(r, s * 1000));
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const round = (x: number, digits: number) => Number(x.toFixed(digits));
const print = (metric: string, value: number, unit: string, n: number, note: string) => {
  if (wants(metric)) process.stdout.write(`${JSON.stringify({ metric, value, unit, n, note })}\n`);
};
const progress = (line: string) => process.stderr.write(`capture bench: ${line}\n`);

class Bus {
  private readonly seen: Array<{ subject: string; data: Uint8Array; at: number }> = [];

  private constructor(readonly nc: NatsConnection) {
    void (async () => {
      for await (const m of nc.subscribe(subjects.all)) {
        this.seen.push({ subject: m.subject, data: m.data, at: Date.now() });
      }
    })();
  }

  static async connect(url: string): Promise<Bus> {
    return new Bus(await connect({ servers: url, name: 'capture-bench' }));
  }

  of<C extends MessageContract>(contract: C, subject: string): Array<PayloadOf<C> & { seenAt: number }> {
    const out: Array<PayloadOf<C> & { seenAt: number }> = [];
    for (const m of this.seen) {
      if (m.subject !== subject) continue;
      const d = decode(contract, m.data);
      if (d.ok) {
        out.push(Object.assign({}, d.value as object, { seenAt: m.at }) as PayloadOf<C> & { seenAt: number });
      }
    }
    return out;
  }

  /** Polls what the bus has seen (a bench waits for many events at once; precision does not matter). */
  async until(what: () => boolean, timeoutS: number): Promise<void> {
    const deadline = Date.now() + timeoutS * 1000;
    while (!what()) {
      if (Date.now() > deadline) throw new Error('timed out');
      await sleep(0.2);
    }
  }
}

async function setState(nc: NatsConnection, spec: RecordingSpec, id: string, state: 'starting' | 'stopping') {
  const store = await nc.jetstream().views.kv(kv.recordings.bucket, { bindOnly: true });
  const now = new Date().toISOString();
  const value = RecordingState.parse({
    v: 1,
    recordingId: id,
    spec,
    state,
    createdAt: now,
    updatedAt: now,
    capture: { segments: [], durationMs: 0, gaps: [] },
    encoded: [],
  });
  await store.put(id, JSON.stringify(value));
}

async function startRecordings(bus: Bus, spec: RecordingSpec, count: number): Promise<string[]> {
  const ids = Array.from({ length: count }, () => newRecordingId());
  for (const id of ids) {
    await setState(bus.nc, spec, id, 'starting');
    await bus.nc
      .jetstream()
      .publish(
        subjects.captureJob(id),
        encode(CaptureJob, { v: 1, recordingId: id, at: new Date().toISOString(), spec }),
      );
  }
  await bus.until(
    () => ids.every((id) => bus.of(CaptureStarted, subjects.event(CaptureStarted, id)).length > 0),
    120,
  );
  return ids;
}

async function stopRecordings(bus: Bus, spec: RecordingSpec, ids: string[]): Promise<void> {
  for (const id of ids) await setState(bus.nc, spec, id, 'stopping');
  await bus.until(
    () => ids.every((id) => bus.of(CaptureFinished, subjects.event(CaptureFinished, id)).length > 0),
    60,
  );
}

/**
 * Real time: over the run, every recording's grab wrote media as fast as the wall clock went (the
 * heartbeats' speeds, each over one heartbeat interval, averaged) and no grab logged dropped frames.
 */
function realtime(
  bus: Bus,
  capture: ServiceProcess,
  ids: string[],
  since: number,
): { ok: boolean; speed: number; dropped: number } {
  const perRecording = ids.map((id) => {
    const speeds = bus
      .of(CaptureHeartbeat, subjects.captureHeartbeat(id))
      .filter((h) => h.seenAt >= since && h.speed !== undefined)
      .map((h) => h.speed!);
    return speeds.length ? speeds.reduce((a, b) => a + b, 0) / speeds.length : 0;
  });
  // The grab logs ffmpeg's running count of dropped frames whenever it grows.
  const reports = capture.logRecords().filter((r) => r.msg === 'grab dropped frames');
  const dropped = ids.reduce((sum, id) => {
    const counts = reports
      .filter((r) => r.recordingId === id)
      .map((r) => ({ at: Date.parse(String(r.time)), drop: Number(r.drop) }));
    const before = Math.max(0, ...counts.filter((c) => c.at < since).map((c) => c.drop));
    const after = Math.max(before, ...counts.map((c) => c.drop));
    return sum + after - before;
  }, 0);
  const speed = Math.min(...perRecording);
  return { ok: speed >= 0.99 && dropped === 0, speed, dropped };
}

async function main(): Promise<void> {
  if (
    !['capture.cpu_cores', 'capture.rss_mb', 'capture.bytes_per_s', 'capture.concurrent_realtime'].some(wants)
  ) {
    return;
  }
  const nats = await NatsServer.start();
  const stack = await HpbStack.start({ nats, janus: true });
  const room = `bench${Date.now().toString(36)}`;
  stack.nextcloud.directory.addRoom(room, ['alice', 'bob']);
  const participants: SyntheticParticipant[] = [];
  const workDir = await tempDir('capture-bench');
  let capture: ServiceProcess | undefined;
  let bus: Bus | undefined;
  try {
    for (const [userId, toneHz] of [
      ['alice', 440],
      ['bob', 1000],
    ] as const) {
      const p = await SyntheticParticipant.start({ stack, room, userId, toneHz });
      participants.push(p);
      await p.enterCall();
    }
    capture = await ServiceProcess.start('capture', {
      NATS_URL: nats.url,
      INSTANCE_ID: 'capture-bench',
      WORK_DIR: workDir,
      DISPLAY_BASE: String(2000 + Math.floor(Math.random() * 1000) * 8),
      PAGE_DIR,
      CAPTURE_SLOTS: String(MAX_CONCURRENT),
      // A standby browser is the instance's, not a recording's: keep it out of the figures.
      CAPTURE_STANDBY: '0',
      MIN_FREE_DISK_MB: '100',
      LOG_LEVEL: 'info',
      NEXTCLOUD_URL: stack.nextcloud.url,
      NEXTCLOUD_BACKEND_ID: stack.backendId,
      TALK_RECORDING_SECRET: stack.nextcloud.recordingSecret,
      SIGNALING_INTERNAL_SECRET: stack.internalSecret,
    });
    bus = await Bus.connect(nats.url);
    const spec = RecordingSpec.parse({
      backend: { id: stack.backendId, url: stack.nextcloud.url },
      room: { token: room },
      mode: 'video',
      layout: 'grid',
      video: VIDEO,
      output: { kind: 'video', container: 'mp4', crf: 25, preset: 'veryfast', audioBitrateKbps: 128 },
      segmentSeconds: 10,
      fileName: 'Recording 2026-11-24 10-00-00.mp4',
      trigger: { kind: 'rule', rule: 'bench' },
      upload: { kind: 'local', path: 'recordings' },
    });
    const pid = capture.proc.pid!;
    const processes = () => serviceProcesses(pid, workDir);

    if (['capture.cpu_cores', 'capture.rss_mb', 'capture.bytes_per_s'].some(wants)) {
      const [id] = await startRecordings(bus, spec, 1);
      await sleep(WARMUP_S);
      const cores: number[] = [];
      const rss: number[] = [];
      const pss: number[] = [];
      for (let w = 0; w < WINDOWS; w++) {
        const window = new CpuWindow(processes);
        await sleep(WINDOW_S);
        const r = window.read();
        progress(
          `window ${w + 1}: ${r.cores.toFixed(2)} cores, RSS ${r.rssMb.toFixed(0)} MB, PSS ${r.pssMb.toFixed(0)} MB, ${r.processes} processes`,
        );
        cores.push(r.cores);
        rss.push(r.rssMb);
        pss.push(r.pssMb);
      }
      await stopRecordings(bus, spec, [id!]);
      // Whole segments only: the last one is cut short by the stop.
      const segments = bus.of(SegmentCaptured, subjects.event(SegmentCaptured, id!)).slice(0, -1);
      const bytesPerS =
        segments.reduce((s, x) => s + x.bytes, 0) / (segments.reduce((s, x) => s + x.durationMs, 0) / 1000);
      const note = `720p30, 2 participants (call-view page, Janus), x264 ultrafast crf18 + PCM; ${WINDOWS}×${WINDOW_S} s; 2-vCPU VM shared with other work`;
      print(
        'capture.cpu_cores',
        round(median(cores), 3),
        'cores',
        WINDOWS,
        `${note}; service + Xvfb + PulseAudio + Chromium + ffmpeg`,
      );
      print(
        'capture.rss_mb',
        Math.round(median(rss)),
        'MB',
        WINDOWS,
        `${note}; summed RSS (PSS ${Math.round(median(pss))} MB)`,
      );
      print(
        'capture.bytes_per_s',
        Math.round(bytesPerS),
        'B/s',
        segments.length,
        `${note}; ${segments.length} whole segments`,
      );
    }

    if (wants('capture.concurrent_realtime')) {
      let held = 0;
      let lastSpeed = 0;
      for (let n = 1; n <= MAX_CONCURRENT; n++) {
        const ids = await startRecordings(bus, spec, n);
        await sleep(WARMUP_S);
        const since = Date.now();
        await sleep(CONCURRENT_RUN_S);
        const result = realtime(bus, capture, ids, since);
        progress(
          `${n} at once: ${result.ok ? 'real time' : 'behind'} (slowest grab ${result.speed.toFixed(3)}× real time, ${result.dropped} frames dropped)`,
        );
        await stopRecordings(bus, spec, ids);
        if (!result.ok) break;
        held = n;
        lastSpeed = result.speed;
      }
      print(
        'capture.concurrent_realtime',
        held,
        'count',
        1,
        `720p30 recordings of one 2-participant call at once, ${CONCURRENT_RUN_S} s each, every grab ≥ 0.99× real time (slowest ${lastSpeed.toFixed(3)}×) and no dropped frames; the participants and Janus run on the same 2 vCPUs`,
      );
    }
  } finally {
    await bus?.nc.close();
    await capture?.cleanup();
    for (const p of participants) await p.stop();
    await stack.stop();
    await nats.stop();
    await removeDir(workDir);
  }
}

await main();
