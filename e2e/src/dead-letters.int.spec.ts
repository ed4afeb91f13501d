import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AssembleJob,
  CaptureJob,
  DeadLetter,
  EVENT_CONTRACTS,
  EncodeSegmentJob,
  Stage,
  TalkAnnounceJob,
  TalkCallbackJob,
  UploadJob,
  decode,
  subjects,
} from '@talkrec/contracts';
import { NatsServer, NatsTap, ServiceProcess, type TalkrecService } from '@talkrec/testing';
import { connect, type NatsConnection } from 'nats';

const RID = 'rec_01JD7ZQ3K4X5Y6Z7A8B9C0D1E2';

/** Every subject each service consumes (from its streams' consumers). */
const CONSUMED: Record<TalkrecService, string[]> = {
  capture: [subjects.jobPrefix(CaptureJob) + RID],
  encoder: [subjects.jobPrefix(EncodeSegmentJob) + RID, subjects.jobPrefix(AssembleJob) + RID],
  uploader: [subjects.jobPrefix(UploadJob) + RID],
  controller: [
    subjects.startCommand,
    subjects.stopCommand,
    subjects.retryCommand,
    subjects.purgeCommand,
    subjects.jobPrefix(TalkCallbackJob) + RID,
    subjects.jobPrefix(TalkAnnounceJob) + RID,
    ...EVENT_CONTRACTS.map((c) => subjects.event(c, RID)),
    ...Stage.options.map((s) => subjects.stageFailed(s, RID)),
  ],
};

describe('malformed payloads on every consumed subject', () => {
  let nats: NatsServer;
  let nc: NatsConnection;
  let tap: NatsTap;
  const services: ServiceProcess[] = [];

  beforeAll(async () => {
    nats = await NatsServer.start();
    tap = await NatsTap.start(nats.url, subjects.allDeadLetters);
    for (const name of Object.keys(CONSUMED) as TalkrecService[]) {
      services.push(await ServiceProcess.start(name, { NATS_URL: nats.url, INSTANCE_ID: `dlq-${name}` }));
    }
    nc = await connect({ servers: nats.url });
  });

  afterAll(async () => {
    await nc?.close();
    await tap?.stop();
    for (const s of services) await s.cleanup();
    await nats?.stop();
  });

  it.each(Object.entries(CONSUMED))(
    '%s dead-letters each one with the validation error and stays ready',
    async (service, list) => {
      const js = nc.jetstream();
      for (const subject of list) {
        await js.publish(
          subject,
          new TextEncoder().encode(JSON.stringify({ v: 1, recordingId: 42, junk: true })),
        );
        const letter = await tap.waitFor(
          (m) =>
            m.subject === subjects.deadLetter(service) &&
            (m.json as { subject?: string }).subject === subject,
          20_000,
        );
        const parsed = decode(DeadLetter, letter.data);
        expect(parsed.ok, subject).toBe(true);
        if (parsed.ok) {
          expect(parsed.value.error).toMatch(/recordingId|requestId|expected/);
          expect(parsed.value.payload).toContain('"junk":true');
        }
      }
      const svc = services.find((s) => s.service === service)!;
      const ready = await fetch(`${svc.opsUrl}/readyz`);
      expect(ready.status).toBe(200);
      const metrics = await (await fetch(`${svc.opsUrl}/metrics`)).text();
      expect(metrics).toMatch(/talkrec_dead_letters_total\{[^}]*\} [1-9]/);
    },
  );
});
