import 'reflect-metadata';
import { readdirSync } from 'node:fs';
import { Writable } from 'node:stream';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { connect } from 'nats';
import { RecordingRequested, decode, hpbBackendRoomSubject, subjects } from '@talkrec/contracts';
import { ServiceRuntime, env, loadConfig } from '@talkrec/platform';
import { startController } from '../app.js';
import { readCapture } from '../cli/capture-file.js';
import { loadControllerConfig } from '../config.js';
import { CallTracker } from '../core/call-tracker.js';
import { decodeHpbMessage, hpbBackendMap } from '../core/hpb-decode.js';
import { controllerTopology } from '../topology.js';
import { NatsServer } from '@talkrec/testing';

/**
 * The controller's benchmark figures (bench.md): events decoded and decided per second through the pure
 * core, and the delay from an HPB message on a real nats-server to the recording it starts.
 */
const FIXTURES = path.resolve(import.meta.dirname, '../../../../libs/testing/fixtures/hpb-0.4.1');
const ROOMS = 500;
const RUNS = 5;
const RUN_MS = 2_000;
const LATENCY_CALLS = 1_000;

interface Figure {
  metric: string;
  value: number;
  unit: string;
  n: number;
  note: string;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** Every captured backend.room message, copied into many rooms, with the capture's spacing. */
function workload(): Array<{ subject: string; data: Uint8Array; dt: number }> {
  const encoder = new TextEncoder();
  const base = readdirSync(FIXTURES)
    .filter((f) => f.endsWith('.jsonl'))
    .flatMap((f) => readCapture(path.join(FIXTURES, f)))
    .filter((m) => m.subject.startsWith('backend.room.'));
  const out: Array<{ subject: string; data: Uint8Array; dt: number }> = [];
  for (let i = 0; i < base.length; i++) {
    const m = base[i]!;
    const dt = i > 0 ? Math.max(0, m.at - base[i - 1]!.at) : 0;
    const data = encoder.encode(JSON.stringify(m.payload));
    // Interleave the rooms: every message of the scenario happens in every room before the next one.
    for (let r = 0; r < ROOMS; r++) {
      out.push({
        subject: hpbBackendRoomSubject({ roomId: `room${r}`, backendId: 'nextcloud' }),
        data,
        dt: r === 0 ? dt : 0,
      });
    }
  }
  return out;
}

function eventsPerSecond(): Figure {
  const messages = workload();
  const backends = hpbBackendMap([{ id: 'nextcloud' }]);
  const rates: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    const tracker = new CallTracker(15_000);
    let now = 1_800_000_000_000;
    let handled = 0;
    const started = performance.now();
    while (performance.now() - started < RUN_MS) {
      for (const m of messages) {
        now += m.dt;
        const d = decodeHpbMessage(m.subject, m.data, backends);
        if (d.ok) tracker.apply(d.event, now);
        handled++;
      }
      tracker.tick(now);
      tracker.takeDirty();
    }
    rates.push(handled / ((performance.now() - started) / 1000));
  }
  return {
    metric: 'controller.events_per_s',
    value: Math.round(median(rates)),
    unit: '1/s',
    n: RUNS,
    note: `fixtures x ${ROOMS} rooms through decode + call tracker, one core`,
  };
}

async function decideP99(): Promise<Figure> {
  const nats = await NatsServer.start();
  const quiet = new Writable({ write: (_c, _e, cb) => cb() });
  const config = loadControllerConfig({
    NATS_URL: nats.url,
    NEXTCLOUD_URL: 'http://127.0.0.1:9',
    TALK_RECORDING_SECRET: 'bench',
    AUTO_RECORD: 'all',
    LOG_LEVEL: 'warn',
    OPS_LISTEN: '127.0.0.1:0',
    TALK_API_LISTEN: '127.0.0.1:0',
    ADMIN_API_LISTEN: 'off',
    INSTANCE_ID: `bench-${process.pid}`,
  });
  const runtime = await new ServiceRuntime('controller', config, quiet).start(controllerTopology(config));
  const { leadership } = await startController(runtime, config);
  const nc = await connect({ servers: nats.url, name: 'talkrec-bench' });
  try {
    const deadline = Date.now() + 30_000;
    while (!leadership.isLeader && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    const requested = nc.subscribe(`${subjects.event(RecordingRequested, '')}>`);
    const waiting = new Map<string, (at: number) => void>();
    void (async () => {
      for await (const m of requested) {
        const d = decode(RecordingRequested, m.data);
        if (d.ok) waiting.get(d.value.spec.room.token)?.(performance.now());
      }
    })();
    await nc.flush();
    const delays: number[] = [];
    const encoder = new TextEncoder();
    for (let i = 0; i < LATENCY_CALLS; i++) {
      const room = `lat${i}`;
      const body = {
        sendtime: new Date().toISOString(),
        type: 'room',
        room: { type: 'incall', incall: { incall: 7, users: [{ sessionId: `s${i}`, inCall: 7 }] } },
        id: '',
      };
      const done = new Promise<number>((resolve) => waiting.set(room, resolve));
      const sent = performance.now();
      nc.publish(
        hpbBackendRoomSubject({ roomId: room, backendId: 'nextcloud' }),
        encoder.encode(JSON.stringify(body)),
      );
      const at = await done;
      waiting.delete(room);
      // The first calls warm up the JIT and the connections.
      if (i >= 20) delays.push(at - sent);
    }
    delays.sort((a, b) => a - b);
    const p99 = delays[Math.min(delays.length - 1, Math.ceil(delays.length * 0.99) - 1)]!;
    return {
      metric: 'controller.decide_p99_ms',
      value: Math.round(p99 * 100) / 100,
      unit: 'ms',
      n: delays.length,
      note: `HPB incall on nats-server -> recording.requested, median ${median(delays).toFixed(2)} ms`,
    };
  } finally {
    await nc.close();
    await runtime.stop('stop');
    await nats.stop();
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { only: { type: 'string' } }, allowPositionals: true });
  // `npm run bench -- --only <prefix>` passes the prefix as BENCH_ONLY.
  const only = values.only ?? loadConfig({ BENCH_ONLY: env.optionalString() }).BENCH_ONLY;
  const wanted = (metric: string) => !only || metric.startsWith(only);
  const figures: Figure[] = [];
  if (wanted('controller.events_per_s')) figures.push(eventsPerSecond());
  if (wanted('controller.decide_p99_ms')) figures.push(await decideP99());
  // The human table first, then one JSON line per figure (bench.md).
  const out = (line: string) => process.stdout.write(`${line}\n`);
  for (const f of figures) {
    out(`${f.metric.padEnd(28)} ${String(f.value).padStart(10)} ${f.unit.padEnd(4)} (n=${f.n}; ${f.note})`);
  }
  for (const f of figures) out(JSON.stringify(f));
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);
