import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect } from 'nats';
import {
  CaptureFinished,
  CaptureParticipants,
  CaptureStarted,
  DeadLetter,
  decode,
  hpbBackendRoomSubject,
  subjects,
} from '@talkrec/contracts';
import { HpbStack, NatsServer, NatsTap, type SignalingClient } from '@talkrec/testing';
import {
  DecisionTap,
  StageActor,
  eventually,
  now,
  startTestController,
  type TestController,
} from './harness.js';
import { SCENARIO_DECISIONS, SCENARIO_GRACE_S } from './scenario.js';

/** nats-server where the controller's user may not publish on any HPB subject (the HPB's control plane). */
const HPB_READ_ONLY = `
authorization {
  users: [
    { user: hpb, password: hpb }
    { user: controller, password: controller, permissions: { publish: { deny: ["backend.>", "room.>", "user.>", "session.>"] } } }
  ]
}
no_auth_user: hpb
`;

const GRACE_S = Number(SCENARIO_GRACE_S);

/**
 * Call events from a REAL nextcloud-spreed-signaling 0.4.1 on a real nats-server. The test acts as
 * Nextcloud (signed backend requests through the stand-in) with real websocket clients in the rooms.
 */
describe('automatic recording from HPB call events', () => {
  let nats: NatsServer;
  let stack: HpbStack;
  let ctl: TestController;
  let decisions: DecisionTap;
  let stages: StageActor;
  const clients: SignalingClient[] = [];
  let roomNo = 0;

  const room = (users = ['alice', 'bob'], token = `hpbroom${++roomNo}`) => {
    stack.nextcloud.directory.addRoom(token, users);
    return token;
  };
  const join = async (user: string, token: string) => {
    const c = await stack.connectUser(user, token);
    clients.push(c);
    return c;
  };
  const hpb = () => stack.nextcloud.hpb;

  beforeAll(async () => {
    nats = await NatsServer.start({ extraConfig: HPB_READ_ONLY });
    stack = await HpbStack.start({ nats });
    ctl = await startTestController({
      NATS_URL: nats.url,
      NATS_USER: 'controller',
      NATS_PASSWORD: 'controller',
      NEXTCLOUD_URL: stack.nextcloud.url,
      TALK_RECORDING_SECRET: stack.nextcloud.recordingSecret,
      AUTO_RECORD: 'all',
      CALL_GRACE_S: SCENARIO_GRACE_S,
    });
    decisions = await DecisionTap.start(nats.url);
    stages = await StageActor.start(nats.url);
    await eventually(() => ctl.controller.leadership.isLeader);
  });

  afterAll(async () => {
    for (const c of clients) await c.close().catch(() => undefined);
    await stages?.stop();
    await decisions?.stop();
    await ctl?.stop();
    await stack?.stop();
    await nats?.stop();
  });

  it('requests a recording when a call starts and stops it when everyone has left for the grace period', async () => {
    const token = room();
    await join('alice', token);
    await join('bob', token);
    expect((await hpb().joinCall(token, 'alice')).status).toBe(200);
    const requested = await decisions.waitForRequested(token);
    expect(requested.spec.trigger).toEqual({ kind: 'rule', rule: 'AUTO_RECORD=all' });
    await hpb().joinCall(token, 'bob', 3);
    await hpb().leaveCall(token, 'alice');
    await hpb().leaveCall(token, 'bob');
    const leftAt = Date.now();
    const stopping = await decisions.waitForTransition(
      requested.recordingId,
      'stopping',
      (GRACE_S + 5) * 1000,
    );
    expect(stopping.reason).toBe('call ended (everyone-left)');
    expect(Date.now() - leftAt).toBeGreaterThanOrEqual(GRACE_S * 1000 - 200);
    expect(ctl.logs.some((l) => l.msg === 'call started')).toBe(true);
  });

  it('keeps one recording across a brief reconnect (no split)', async () => {
    const token = room(['alice']);
    await join('alice', token);
    await hpb().joinCall(token, 'alice');
    const requested = await decisions.waitForRequested(token);
    await hpb().leaveCall(token, 'alice');
    await hpb().joinCall(token, 'alice');
    // Past the grace period after the reconnect: still the same recording, not stopped.
    await new Promise((r) => setTimeout(r, (GRACE_S + 1) * 1000)); // a non-event is awaited by time
    expect(decisions.decisions([token])).toEqual([`requested ${token}`]);
    await hpb().leaveCall(token, 'alice');
    await decisions.waitForTransition(requested.recordingId, 'stopping', (GRACE_S + 5) * 1000);
    expect(decisions.decisions([token])).toEqual([
      `requested ${token}`,
      `stopping ${token}: call ended (everyone-left)`,
    ]);
  });

  it('stops at once when the room is deleted', async () => {
    const token = room(['alice']);
    await join('alice', token);
    await hpb().joinCall(token, 'alice');
    const requested = await decisions.waitForRequested(token);
    await hpb().deleteRoom(token);
    const stopping = await decisions.waitForTransition(requested.recordingId, 'stopping', 5_000);
    expect(stopping.reason).toBe('call ended (room-deleted)');
  });

  it('tracks several rooms at once, each with its own recording', async () => {
    const tokens = [room(['alice']), room(['bob']), room(['carol'])];
    await Promise.all(tokens.map((t, i) => join(['alice', 'bob', 'carol'][i]!, t)));
    await Promise.all(tokens.map((t, i) => hpb().joinCall(t, ['alice', 'bob', 'carol'][i]!)));
    const requested = await Promise.all(tokens.map((t) => decisions.waitForRequested(t)));
    expect(new Set(requested.map((r) => r.recordingId)).size).toBe(3);
    await hpb().deleteRoom(tokens[1]!);
    await decisions.waitForTransition(requested[1]!.recordingId, 'stopping');
    await Promise.all([hpb().leaveCall(tokens[0]!, 'alice'), hpb().leaveCall(tokens[2]!, 'carol')]);
    await decisions.waitForTransition(requested[0]!.recordingId, 'stopping', (GRACE_S + 5) * 1000);
    await decisions.waitForTransition(requested[2]!.recordingId, 'stopping', (GRACE_S + 5) * 1000);
    for (const t of tokens) expect(decisions.decisions([t])).toHaveLength(2);
  });

  it("stops through the safety net when 0.4.1 drops Talk's 'end call for everyone'", async () => {
    const token = room();
    await join('alice', token);
    await join('bob', token);
    await hpb().joinCall(token, 'alice');
    await hpb().joinCall(token, 'bob');
    const requested = await decisions.waitForRequested(token);
    const id = requested.recordingId;
    await decisions.waitForTransition(id, 'starting');
    await stages.event(CaptureStarted, {
      v: 1,
      recordingId: id,
      at: now(),
      instanceId: 'cap',
      resumed: false,
      nextIndex: 0,
    });
    await decisions.waitForTransition(id, 'recording');
    await stages.event(CaptureParticipants, {
      v: 1,
      recordingId: id,
      at: now(),
      participants: [
        { sessionId: 's1', publishing: true },
        { sessionId: 's2', publishing: true },
      ],
    });
    expect((await hpb().endCallForEveryone(token)).status).toBe(200);
    // The capture's page sees the call empty; the HPB said nothing.
    const emptiedAt = Date.now();
    await stages.event(CaptureParticipants, { v: 1, recordingId: id, at: now(), participants: [] });
    const stopping = await decisions.waitForTransition(id, 'stopping', (GRACE_S + 5) * 1000);
    expect(stopping.reason).toBe('safety net: nobody in the call');
    expect(Date.now() - emptiedAt).toBeGreaterThanOrEqual(GRACE_S * 1000 - 200);
    // The stale call was reset: the next call in the room is a new one, recorded once the old capture ends.
    await hpb().joinCall(token, 'alice');
    await stages.event(CaptureFinished, {
      v: 1,
      recordingId: id,
      at: now(),
      instanceId: 'cap',
      lastIndex: -1,
      reason: 'stop-requested',
    });
    const next = await eventually(() => decisions.requested().filter((r) => r.spec.room.token === token)[1]);
    expect(next.recordingId).not.toBe(id);
  });

  it("waits for a room rule's minimum number of participants", async () => {
    const token = room(['alice', 'bob']);
    const res = await fetch(`${ctl.adminUrl}/api/v1/rules/nextcloud/${token}`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ enabled: true, mode: 'audio', minParticipants: 2 }),
    });
    expect(res.status).toBe(200);
    await join('alice', token);
    await join('bob', token);
    await hpb().joinCall(token, 'alice');
    await hpb().chatRefresh(token);
    await hpb().joinCall(token, 'bob');
    const requested = await decisions.waitForRequested(token);
    expect(requested.spec).toMatchObject({
      mode: 'audio',
      trigger: { rule: `room rule nextcloud.${token}` },
    });
    const ruleLog = decisions.decisions([token]);
    expect(ruleLog).toEqual([`requested ${token}`]);
  });

  it('decides the captured scenario live exactly as the replay of the fixtures does', async () => {
    const token = room(['alice', 'bob', 'carol'], 'abcd1234');
    await join('alice', token);
    await join('bob', token);
    await hpb().invite(token);
    await hpb().chatRefresh(token);
    await hpb().joinCall(token, 'alice', 7);
    await hpb().joinCall(token, 'bob', 3);
    await hpb().setRecordingStatus(token, 3);
    await hpb().setRecordingStatus(token, 1);
    await hpb().setRecordingStatus(token, 0);
    await hpb().leaveCall(token, 'alice');
    await hpb().leaveCall(token, 'bob');
    await hpb().endCallForEveryone(token);
    await hpb().joinCall(token, 'alice', 7);
    await hpb().joinCall(token, 'bob', 7);
    await hpb().endCallForEveryone(token);
    await hpb().deleteRoom(token);
    const requested = await decisions.waitForRequested(token);
    await decisions.waitForTransition(requested.recordingId, 'stopping');
    expect(decisions.decisions([token])).toEqual(SCENARIO_DECISIONS(token));
  });

  it('dead-letters a malformed or foreign HPB message with its reason and keeps running', async () => {
    const dlq = await NatsTap.start(nats.url, subjects.deadLetter('controller'));
    const raw = await connect({ servers: nats.url });
    raw.publish(
      hpbBackendRoomSubject({ roomId: 'junk1', backendId: 'nextcloud' }),
      new TextEncoder().encode('{not json'),
    );
    raw.publish(
      hpbBackendRoomSubject({ roomId: 'junk2', backendId: 'other-cloud' }),
      new TextEncoder().encode('{}'),
    );
    await raw.flush();
    await raw.close();
    const letters = await eventually(() => (dlq.messages.length >= 2 ? dlq.messages : undefined));
    const errors = letters.map(
      (m) => (decode(DeadLetter, m.data) as { ok: true; value: DeadLetter }).value.error,
    );
    expect(errors).toEqual([expect.stringMatching(/^not-json:/), expect.stringMatching(/^unknown-backend:/)]);
    await dlq.stop();
    const metrics = await (await fetch(`http://127.0.0.1:${ctl.config.OPS_LISTEN.port}/metrics`)).text();
    expect(metrics).toMatch(/talkrec_rejected_total\{[^}]*source="hpb"[^}]*reason="not-json"[^}]*\} 1/);
    // Still deciding: a new call is recorded.
    const token = room(['alice']);
    await join('alice', token);
    await hpb().joinCall(token, 'alice');
    await decisions.waitForRequested(token);
  });

  it('never publishes on the HPB subjects', () => {
    expect(nats.log()).not.toMatch(/Violation/i);
    expect(stack.nextcloud.violations).toEqual([]);
  });
});
