import { connect } from 'nats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hpbBackendRoomSubject } from '@talkrec/contracts';
import { NatsServer } from '@talkrec/testing';
import { DecisionTap, eventually, startTestController, type TestController } from './harness.js';

/** An HPB whose NATS has no JetStream, apart from talkrec's own bus: a core subscription is used. */
describe('HPB NATS without JetStream', () => {
  let hpbNats: NatsServer;
  let nats: NatsServer;
  let ctl: TestController;
  let decisions: DecisionTap;

  beforeAll(async () => {
    hpbNats = await NatsServer.start({ jetstream: false });
    nats = await NatsServer.start();
    ctl = await startTestController({
      NATS_URL: nats.url,
      HPB_NATS_URL: hpbNats.url,
      NEXTCLOUD_URL: 'http://127.0.0.1:9',
      NEXTCLOUD_BACKEND_ID: 'nc1',
      BACKENDS: JSON.stringify([{ id: 'nc2', hpbBackendId: 'cloud-two', url: 'http://127.0.0.1:10' }]),
      AUTO_RECORD: 'all',
      CALL_GRACE_S: '0',
    });
    decisions = await DecisionTap.start(nats.url);
    await eventually(() => ctl.controller.leadership.isLeader);
  });

  afterAll(async () => {
    await decisions?.stop();
    await ctl?.stop();
    await nats?.stop();
    await hpbNats?.stop();
  });

  it('subscribes on the HPB server and maps its backend ids to the configured backends', async () => {
    expect(ctl.logs.find((l) => l.msg === 'controller started')).toMatchObject({ hpb: 'core' });
    const raw = await connect({ servers: hpbNats.url });
    const incall = (users: unknown[]) =>
      new TextEncoder().encode(
        JSON.stringify({
          sendtime: new Date().toISOString(),
          type: 'room',
          room: {
            type: 'incall',
            incall: { incall: users.length ? 7 : 0, ...(users.length ? { users } : {}) },
          },
          id: '',
        }),
      );
    raw.publish(
      hpbBackendRoomSubject({ roomId: 'coreroom', backendId: 'cloud-two' }),
      incall([{ sessionId: 's', inCall: 7 }]),
    );
    await raw.flush();
    const requested = await decisions.waitForRequested('coreroom');
    expect(requested.spec.backend).toEqual({ id: 'nc2', url: 'http://127.0.0.1:10' });
    raw.publish(hpbBackendRoomSubject({ roomId: 'coreroom', backendId: 'cloud-two' }), incall([]));
    await raw.drain();
    const stopping = await decisions.waitForTransition(requested.recordingId, 'stopping');
    expect(stopping.reason).toBe('call ended (everyone-left)');
  });
});
