import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, type NatsConnection } from 'nats';
import { hpbBackendRoomSubject } from '@talkrec/contracts';
import { NatsServer, removeDir, tempDir } from '@talkrec/testing';
import { DecisionTap, eventually, now, startTestController, type TestController } from './harness.js';

const run = promisify(execFile);

/** A self-signed certificate that is its own CA (nats.js checks an IP address as `localhost`). */
async function selfSignedCert(dir: string): Promise<{ cert: string; key: string }> {
  const cert = path.join(dir, 'cert.pem');
  const key = path.join(dir, 'key.pem');
  await run('openssl', [
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-days',
    '1',
    '-keyout',
    key,
    '-out',
    cert,
    '-subj',
    '/CN=127.0.0.1',
    '-addext',
    'subjectAltName=IP:127.0.0.1,DNS:localhost',
  ]);
  return { cert, key };
}

async function callStarts(hpb: NatsConnection, room: string): Promise<void> {
  const body = {
    sendtime: now(),
    id: '',
    type: 'room',
    room: { type: 'incall', incall: { incall: 7, users: [{ sessionId: `s-${room}`, inCall: 7 }] } },
  };
  hpb.publish(hpbBackendRoomSubject({ roomId: room, backendId: 'nextcloud' }), JSON.stringify(body));
  await hpb.flush();
}

/**
 * The HPB's NATS as a careful admin runs it: the controller logs in with its own credentials (never
 * talkrec's), over TLS where asked, and may not publish on the HPB's subjects at all.
 */
describe("the HPB's NATS with credentials", () => {
  let talkrecBus: NatsServer;
  let hpbBus: NatsServer;
  let ctl: TestController;
  let decisions: DecisionTap;
  let signaling: NatsConnection;

  beforeAll(async () => {
    talkrecBus = await NatsServer.start();
    // The recorder may only talk to JetStream and receive; publishing `backend.room.*` is refused.
    hpbBus = await NatsServer.start({
      extraConfig: `authorization {
  users = [
    { user: signaling, password: "signaling-pw" }
    { user: recorder, password: "recorder-pw", permissions: {
        publish: { allow: ["$JS.API.>", "$JS.ACK.>", "$JS.FC.>", "_INBOX.>"] }
        subscribe: { allow: [">"] } } }
  ]
}`,
    });
    ctl = await startTestController({
      NATS_URL: talkrecBus.url,
      HPB_NATS_URL: hpbBus.url,
      HPB_NATS_USER: 'recorder',
      HPB_NATS_PASSWORD: 'recorder-pw',
      NEXTCLOUD_URL: 'http://127.0.0.1:9',
      TALK_RECORDING_SECRET: 'secret',
      AUTO_RECORD: 'all',
      CALL_GRACE_S: '1',
    });
    decisions = await DecisionTap.start(talkrecBus.url);
    signaling = await connect({ servers: hpbBus.url, user: 'signaling', pass: 'signaling-pw' });
    await eventually(() => ctl.controller.leadership.isLeader, 30_000);
  });

  afterAll(async () => {
    await signaling?.close();
    await decisions?.stop();
    await ctl?.stop();
    await hpbBus?.stop();
    await talkrecBus?.stop();
  });

  it('records from call events read with its own user, and never publishes on the HPB bus', async () => {
    await callStarts(signaling, 'secured1');
    const requested = await decisions.waitForRequested('secured1', 30_000);
    expect(ctl.controller.hpbMode).toBe('jetstream');
    const empty = {
      sendtime: now(),
      id: '',
      type: 'room',
      room: { type: 'incall', incall: { incall: 0, users: [] } },
    };
    signaling.publish(
      hpbBackendRoomSubject({ roomId: 'secured1', backendId: 'nextcloud' }),
      JSON.stringify(empty),
    );
    await decisions.waitForTransition(requested.recordingId, 'stopping', 30_000);
    expect(hpbBus.log()).not.toMatch(/Violation/);
    // The permission holds: the same user publishing an HPB subject is refused by the server.
    const recorder = await connect({ servers: hpbBus.url, user: 'recorder', pass: 'recorder-pw' });
    recorder.publish(hpbBackendRoomSubject({ roomId: 'x', backendId: 'nextcloud' }), '{}');
    await recorder.flush().catch(() => undefined);
    await eventually(() => /Publish Violation/.test(hpbBus.log()), 10_000);
    await recorder.close().catch(() => undefined);
  });

  it('serves the Talk API and the admin API on separate listeners', async () => {
    expect((await fetch(`${ctl.talkUrl}/api/v1/recordings`)).status).toBe(404);
    expect((await fetch(`${ctl.talkUrl}/api/v1/audit`)).status).toBe(404);
    expect((await fetch(`${ctl.adminUrl}/api/v1/welcome`)).status).toBe(404);
    expect((await fetch(`${ctl.adminUrl}/api/v1/recordings`)).status).toBe(200);
  });
});

describe("the HPB's NATS over TLS with a token", () => {
  let dir: string;
  let talkrecBus: NatsServer;
  let hpbBus: NatsServer;
  let ctl: TestController;
  let decisions: DecisionTap;
  let signaling: NatsConnection;

  beforeAll(async () => {
    dir = await tempDir('hpb-tls');
    const { cert, key } = await selfSignedCert(dir);
    talkrecBus = await NatsServer.start();
    hpbBus = await NatsServer.start({
      jetstream: false,
      extraConfig: `tls { cert_file: "${cert}", key_file: "${key}" }\nauthorization { token: "hpb-token" }`,
    });
    ctl = await startTestController({
      NATS_URL: talkrecBus.url,
      HPB_NATS_URL: `tls://127.0.0.1:${hpbBus.port}`,
      HPB_NATS_TOKEN: 'hpb-token',
      HPB_NATS_TLS_CA_FILE: cert,
      NEXTCLOUD_URL: 'http://127.0.0.1:9',
      TALK_RECORDING_SECRET: 'secret',
      AUTO_RECORD: 'all',
    });
    decisions = await DecisionTap.start(talkrecBus.url);
    signaling = await connect({ servers: hpbBus.url, token: 'hpb-token', tls: { caFile: cert } });
    await eventually(() => ctl.controller.leadership.isLeader && ctl.controller.leadership.healthy, 30_000);
  });

  afterAll(async () => {
    await signaling?.close();
    await decisions?.stop();
    await ctl?.stop();
    await hpbBus?.stop();
    await talkrecBus?.stop();
    if (dir) await removeDir(dir);
  });

  it('reads call events over a verified TLS connection', async () => {
    expect(ctl.controller.hpbMode).toBe('core');
    // A core subscription sees only what is published after it reached the server: repeat the (idempotent)
    // call event until it is decided.
    await eventually(async () => {
      await callStarts(signaling, 'tlsroom1');
      return decisions.requested().some((r) => r.spec.room.token === 'tlsroom1');
    }, 30_000);
    expect(
      ctl.logs.some((l) => l.msg === 'nats connected' && String(l.server).includes(String(hpbBus.port))),
    ).toBe(true);
  });
});
