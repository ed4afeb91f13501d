import { Writable } from 'node:stream';
import { connect, type JetStreamClient, type NatsConnection } from 'nats';
import {
  RecordingRequested,
  RecordingTransitioned,
  contractForEventSubject,
  decode,
  subjects,
  type MessageContract,
  type PayloadOf,
} from '@talkrec/contracts';
import { Publisher, ServiceRuntime, newRecordingId } from '@talkrec/platform';
import { NatsTap, freePort, type TappedMessage } from '@talkrec/testing';
import { startController, type Controller } from '../src/app.js';
import { loadControllerConfig, type ControllerConfig } from '../src/config.js';
import { controllerTopology } from '../src/topology.js';

export interface TestController {
  config: ControllerConfig;
  runtime: ServiceRuntime;
  controller: Controller;
  talkUrl: string;
  adminUrl: string;
  logs: Array<Record<string, unknown>>;
  stop(): Promise<void>;
}

let instances = 0;

/** The controller in this process, on free loopback ports, against a real nats-server. */
export async function startTestController(env: Record<string, string>): Promise<TestController> {
  const talkPort = await freePort();
  const adminPort = await freePort();
  const config = loadControllerConfig({
    LOG_LEVEL: 'info',
    INSTANCE_ID: `test-controller-${process.pid}-${++instances}`,
    OPS_LISTEN: `127.0.0.1:${await freePort()}`,
    TALK_API_LISTEN: `127.0.0.1:${talkPort}`,
    ADMIN_API_LISTEN: `127.0.0.1:${adminPort}`,
    DRAIN_TIMEOUT_S: '2',
    ...env,
  });
  const logs: Array<Record<string, unknown>> = [];
  const destination = new Writable({
    write(chunk: Buffer, _enc, cb) {
      for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) {
        logs.push(JSON.parse(line) as Record<string, unknown>);
      }
      cb();
    },
  });
  const runtime = await new ServiceRuntime('controller', config, destination).start(
    controllerTopology(config),
  );
  const controller = await startController(runtime, config);
  return {
    config,
    runtime,
    controller,
    talkUrl: `http://127.0.0.1:${talkPort}`,
    adminUrl: `http://127.0.0.1:${adminPort}`,
    logs,
    stop: () => runtime.stop('stop'),
  };
}

/** Resolves once `predicate` holds; polls because KV state has no push to await here. */
export async function eventually<T>(
  probe: () => Promise<T | undefined> | T | undefined,
  timeoutMs = 15_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A decision as the tests compare them: a recording requested for a room, or stopped with a reason. */
export type Decision =
  | { kind: 'requested'; room: string; recordingId: string }
  | { kind: 'stopping'; recordingId: string; reason: string };

/** Watches talkrec's events stream for the controller's recording decisions. */
export class DecisionTap {
  private constructor(readonly tap: NatsTap) {}

  static async start(natsUrl: string): Promise<DecisionTap> {
    return new DecisionTap(await NatsTap.start(natsUrl, subjects.allEvents));
  }

  private events<C extends MessageContract>(contract: C): Array<PayloadOf<C>> {
    return this.tap.messages.flatMap((m) => {
      if (contractForEventSubject(m.subject) !== contract) return [];
      const d = decode(contract, m.data);
      return d.ok ? [d.value] : [];
    });
  }

  requested(): RecordingRequested[] {
    return this.events(RecordingRequested);
  }

  transitions(recordingId?: string): RecordingTransitioned[] {
    return this.events(RecordingTransitioned).filter((t) => !recordingId || t.recordingId === recordingId);
  }

  /** Requests and stops, in order, for the rooms given (others are ignored), from message `from` on. */
  decisions(rooms: string[], from = 0): string[] {
    const roomOf = new Map<string, string>();
    const out: string[] = [];
    for (const m of this.tap.messages.slice(from)) {
      const c = contractForEventSubject(m.subject);
      if (c === RecordingRequested) {
        const d = decode(RecordingRequested, m.data);
        if (!d.ok || !rooms.includes(d.value.spec.room.token)) continue;
        roomOf.set(d.value.recordingId, d.value.spec.room.token);
        out.push(`requested ${d.value.spec.room.token}`);
      } else if (c === RecordingTransitioned) {
        const d = decode(RecordingTransitioned, m.data);
        const room = d.ok ? roomOf.get(d.value.recordingId) : undefined;
        if (d.ok && room && d.value.to === 'stopping') out.push(`stopping ${room}: ${d.value.reason ?? ''}`);
      }
    }
    return out;
  }

  waitForRequested(room: string, timeoutMs = 15_000): Promise<RecordingRequested> {
    return this.tap
      .waitFor((m) => {
        if (contractForEventSubject(m.subject) !== RecordingRequested) return false;
        const d = decode(RecordingRequested, m.data);
        return d.ok && d.value.spec.room.token === room;
      }, timeoutMs)
      .then((m) => (decode(RecordingRequested, m.data) as { ok: true; value: RecordingRequested }).value);
  }

  waitForTransition(recordingId: string, to: string, timeoutMs = 15_000): Promise<RecordingTransitioned> {
    return this.tap
      .waitFor((m: TappedMessage) => {
        if (contractForEventSubject(m.subject) !== RecordingTransitioned) return false;
        const d = decode(RecordingTransitioned, m.data);
        return d.ok && d.value.recordingId === recordingId && d.value.to === to;
      }, timeoutMs)
      .then(
        (m) => (decode(RecordingTransitioned, m.data) as { ok: true; value: RecordingTransitioned }).value,
      );
  }

  stop(): Promise<void> {
    return this.tap.stop();
  }
}

/** Acts as the capture, encoder and uploader: publishes their events with the contracts. */
export class StageActor {
  private constructor(
    readonly nc: NatsConnection,
    readonly js: JetStreamClient,
    readonly publisher: Publisher,
  ) {}

  static async start(natsUrl: string): Promise<StageActor> {
    const nc = await connect({ servers: natsUrl, name: 'talkrec-test-stages' });
    const js = nc.jetstream();
    return new StageActor(nc, js, new Publisher(nc, js, 'test-stages'));
  }

  event<C extends MessageContract>(
    contract: C,
    payload: PayloadOf<C> & { recordingId: string },
  ): Promise<void> {
    return this.publisher.event(contract, payload as never);
  }

  stop(): Promise<void> {
    return this.nc.close();
  }
}

export const now = () => new Date().toISOString();
export { newRecordingId };
