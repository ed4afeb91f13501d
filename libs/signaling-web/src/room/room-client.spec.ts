import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { SignalingConnection } from '../connection.js';
import { FakePeerConnection, FakeServer, fakeStream, settle } from '../fakes.test-helpers.js';
import type { ServerMessage } from '../wire.js';
import { RoomClient } from './room-client.js';

const OFFER = 'v=0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\n';

async function connect(options: { welcome?: boolean; internal?: boolean; subscribe?: boolean } = {}) {
  const server = new FakeServer();
  const connection = new SignalingConnection({
    url: 'ws://hpb/spreed',
    auth: () =>
      Promise.resolve({ type: 'internal', params: { random: 'r'.repeat(64), token: 't', backend: 'b' } }),
    transport: server.transport,
  });
  const connected = connection.connect();
  await settle();
  server.last.open();
  if (options.welcome) server.last.receive({ type: 'welcome', welcome: { version: '2.1.0' } });
  await settle();
  server.last.answerHello('REC');
  await connected;
  const room = new RoomClient({
    connection,
    roomId: 'room1',
    internal: options.internal ?? true,
    ...(options.subscribe === false ? {} : { subscribe: { video: true } }),
    iceServers: [],
    peerFactory: FakePeerConnection.factory,
  });
  const lists: string[][] = [];
  const left: string[] = [];
  room.on('participants', (l) => lists.push(l.map((p) => `${p.sessionId}:${p.displayName ?? ''}`)));
  room.on('left', ({ reason }) => left.push(reason));
  return { server, connection, room, lists, left };
}

async function joined(server: FakeServer, room: RoomClient): Promise<void> {
  const joining = room.join();
  await settle();
  server.last.answer('room', { roomid: 'room1', properties: { name: 'Room 1' } });
  await joining;
}

const event = (e: Record<string, unknown>): ServerMessage => ({
  type: 'event',
  event: e as ServerMessage['event'] & object,
});
const fromSession = (sessionid: string, data: Record<string, unknown>): ServerMessage => ({
  type: 'message',
  message: { sender: { type: 'session', sessionid }, data: { type: '', ...data } },
});

describe('RoomClient', () => {
  beforeEach(() => FakePeerConnection.reset());
  afterEach(() => vi.useRealTimers());

  it('joins as a recorder on 0.4.1 without a Nextcloud session and without internal/incall', async () => {
    const { server, room } = await connect();
    await joined(server, room);
    expect(server.last.all('internal')).toEqual([]);
    expect(server.last.last('room')).toMatchObject({ room: { roomid: 'room1' } });
    expect(server.last.last('room')!.room).not.toHaveProperty('sessionid');
  });

  it('says it is in the call without media before joining on servers with a welcome (≥ 1.1)', async () => {
    const { server, room } = await connect({ welcome: true });
    await joined(server, room);
    const types = server.last.sent.map((m) => m.type);
    expect(types).toEqual(['hello', 'internal', 'room']);
    expect(server.last.last('internal')).toMatchObject({
      internal: { type: 'incall', incall: { incall: 1 } },
    });
  });

  it('treats a 2.x already_joined answer as joined', async () => {
    const { server, room } = await connect();
    const joining = room.join();
    await settle();
    server.last.fail('room', 'already_joined');
    await expect(joining).resolves.toBeUndefined();
  });

  it('follows participants from join, update, nick and leave events, and subscribes to publishers', async () => {
    const { server, room, lists } = await connect();
    await joined(server, room);
    server.last.receive(
      event({
        target: 'room',
        type: 'join',
        join: [
          { sessionid: 'A', userid: 'alice', user: { displayname: 'Alice' } },
          { sessionid: 'G', userid: '' },
          { sessionid: 'REC', userid: '' },
        ],
      }),
    );
    server.last.receive(
      event({
        target: 'participants',
        type: 'update',
        update: {
          users: [
            { sessionId: 'A', inCall: 7 },
            { sessionId: 'G', inCall: 1 },
            { sessionId: 'REC', inCall: 3, internal: true },
          ],
        },
      }),
    );
    server.last.receive(fromSession('G', { type: 'nickChanged', payload: 'Gina' }));
    server.last.receive(
      fromSession('A', { type: 'nickChanged', payload: { name: 'Alice A.', userid: 'alice' } }),
    );
    expect(lists.at(-1)).toEqual(['A:Alice A.', 'G:Gina']);
    const requests = server.last
      .all('message')
      .filter((m) => (m.message as { data: { type: string } }).data.type === 'requestoffer');
    expect(requests.map((m) => (m.message as { recipient: unknown }).recipient)).toEqual([
      { type: 'session', sessionid: 'A' },
    ]);
    server.last.receive(event({ target: 'room', type: 'leave', leave: ['G'] }));
    expect(lists.at(-1)).toEqual(['A:Alice A.']);
  });

  it('routes offers from publishers to subscriptions and answers them', async () => {
    const { server, room } = await connect();
    await joined(server, room);
    server.last.receive(
      event({ target: 'participants', type: 'update', update: { users: [{ sessionId: 'A', inCall: 7 }] } }),
    );
    server.last.receive(
      fromSession('A', {
        type: 'offer',
        roomType: 'video',
        from: 'A',
        payload: { type: 'offer', sdp: OFFER },
      }),
    );
    await settle();
    expect(server.last.last('message')).toMatchObject({
      message: {
        recipient: { type: 'session', sessionid: 'A' },
        data: { type: 'answer', roomType: 'video' },
      },
    });
  });

  it('leaves when the server takes it out of the room', async () => {
    const { server, room, left } = await connect();
    await joined(server, room);
    server.last.receive({ type: 'room', room: { roomid: '' } });
    expect(left).toEqual(['room_left']);
  });

  it('rejoins and subscribes again when a reconnect yields a new session', async () => {
    vi.useFakeTimers();
    const { server, room, lists } = await connect();
    await joined(server, room);
    server.last.receive(
      event({ target: 'participants', type: 'update', update: { users: [{ sessionId: 'A', inCall: 7 }] } }),
    );
    server.last.drop();
    await vi.advanceTimersByTimeAsync(500);
    server.last.open();
    await settle();
    server.last.fail('hello', 'no_such_session');
    await settle();
    server.last.open();
    await settle();
    server.last.answerHello('REC2');
    await settle();
    server.last.answer('room', { roomid: 'room1' });
    await settle();
    expect(lists).toContainEqual([]);
    server.last.receive(
      event({ target: 'participants', type: 'update', update: { users: [{ sessionId: 'A', inCall: 7 }] } }),
    );
    expect(server.last.all('message')).toHaveLength(1);
    expect(room.sessionId).toBe('REC2');
  });

  it('pushes its screen to every session in the call, internal ones included, once each', async () => {
    const { server, room } = await connect({ internal: false, subscribe: false });
    await joined(server, room);
    // This client is a participant here (session REC); X is a recorder.
    server.last.receive(
      event({
        target: 'participants',
        type: 'update',
        update: {
          users: [
            { sessionId: 'B', inCall: 7 },
            { sessionId: 'X', inCall: 3, internal: true },
            { sessionId: 'REC', inCall: 7 },
          ],
        },
      }),
    );
    void room.publish('screen', fakeStream(['video']));
    await settle();
    FakePeerConnection.created[0]!.setState('connected');
    await settle();
    server.last.receive(
      event({ target: 'participants', type: 'update', update: { users: [{ sessionId: 'C', inCall: 3 }] } }),
    );
    const sendoffers = server.last
      .all('message')
      .map((m) => m.message as { recipient: { sessionid?: string }; data: { type: string } })
      .filter((m) => m.data.type === 'sendoffer')
      .map((m) => m.recipient.sessionid);
    expect(sendoffers).toEqual(['B', 'X', 'C']);
    room.unpublish('screen');
    expect(server.last.last('message')).toMatchObject({
      message: { recipient: { type: 'room' }, data: { type: 'unshareScreen', roomType: 'screen' } },
    });
  });
});
