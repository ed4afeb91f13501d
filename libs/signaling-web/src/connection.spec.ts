import { afterEach, describe, expect, it, vi } from 'vitest';
import { SignalingConnection, type SessionInfo } from './connection.js';
import { SignalingError } from './errors.js';
import { FakeServer, settle } from './fakes.test-helpers.js';
import type { HelloAuth } from './wire.js';

const internalAuth: HelloAuth = {
  type: 'internal',
  params: { random: 'r'.repeat(64), token: 'abc', backend: 'https://cloud' },
};

function setup(
  options: { reconnect?: { maxAttempts: number; baseDelayMs: number; maxDelayMs: number } } = {},
) {
  const server = new FakeServer();
  const auth = vi.fn(() => Promise.resolve(internalAuth));
  const connection = new SignalingConnection({
    url: 'ws://hpb/spreed',
    auth,
    features: ['internal-incall'],
    transport: server.transport,
    ...options,
  });
  const sessions: SessionInfo[] = [];
  const closed: string[] = [];
  connection.on('session', (s) => sessions.push(s));
  connection.on('closed', ({ reason }) => closed.push(reason));
  return { server, auth, connection, sessions, closed };
}

/** Opens the socket, lets the hello go out and answers it. */
async function accept(server: FakeServer, sessionId: string, welcome = false): Promise<void> {
  await settle();
  server.last.open();
  if (welcome) {
    server.last.receive({ type: 'welcome', welcome: { version: '2.1.0', features: ['hello-v2', 'mcu'] } });
  }
  await settle();
  server.last.answerHello(sessionId, {
    server: { version: welcome ? '2.1.0' : 'unreleased', features: ['mcu'] },
  });
}

describe('SignalingConnection', () => {
  afterEach(() => vi.useRealTimers());

  it('says hello 1.0 as soon as the socket opens, without waiting for a welcome (0.4.1 sends none)', async () => {
    const { server, connection, sessions } = setup();
    const connected = connection.connect();
    await settle();
    server.last.open();
    await settle();
    expect(server.last.sent).toEqual([
      {
        id: '1',
        type: 'hello',
        hello: { version: '1.0', features: ['internal-incall'], auth: internalAuth },
      },
    ]);
    server.last.answerHello('sid-1');
    const info = await connected;
    expect(info).toMatchObject({ sessionId: 'sid-1', resumed: false, welcome: false });
    expect(sessions).toHaveLength(1);
    expect(connection.sessionId).toBe('sid-1');
  });

  it('notes the welcome of signaling ≥ 1.0', async () => {
    const { server, connection } = setup();
    const connected = connection.connect();
    await accept(server, 'sid-1', true);
    expect(await connected).toMatchObject({ welcome: true, serverVersion: '2.1.0' });
  });

  it('answers requests by id and turns error answers into SignalingErrors', async () => {
    const { server, connection } = setup();
    const connected = connection.connect();
    await accept(server, 'sid-1');
    await connected;
    const joined = connection.request('room', { roomid: 'abc' });
    server.last.answer('room', { roomid: 'abc', properties: { name: 'Room' } });
    expect((await joined).room).toEqual({ roomid: 'abc', properties: { name: 'Room' } });
    const refused = connection.request('room', { roomid: 'nope' });
    server.last.fail('room', 'no_such_room');
    await expect(refused).rejects.toMatchObject({ name: 'SignalingError', code: 'no_such_room' });
  });

  it('passes every other message on, errors about fire-and-forget messages included', async () => {
    const { server, connection } = setup();
    const seen: string[] = [];
    connection.on('message', (m) => seen.push(`${m.type}:${m.id ?? ''}`));
    const connected = connection.connect();
    await accept(server, 'sid-1');
    await connected;
    const id = connection.send('message', { recipient: { type: 'session', sessionid: 'x' }, data: {} });
    server.last.receive({ type: 'event', event: { target: 'room', type: 'join', join: [] } });
    server.last.receive({ id, type: 'error', error: { code: 'client_not_found' } });
    expect(seen).toEqual(['event:', `error:${id}`]);
  });

  it('resumes the session after the connection drops, without new auth', async () => {
    vi.useFakeTimers();
    const { server, auth, connection, sessions } = setup();
    const disconnected = vi.fn();
    connection.on('disconnected', disconnected);
    const connected = connection.connect();
    await accept(server, 'sid-1');
    await connected;
    server.last.drop();
    expect(disconnected).toHaveBeenCalledWith({ code: 1006, reason: '' });
    await vi.advanceTimersByTimeAsync(500);
    server.last.open();
    await settle();
    expect(server.last.last('hello')).toMatchObject({ hello: { version: '1.0', resumeid: 'resume-sid-1' } });
    server.last.answerHello('sid-1');
    await settle();
    expect(sessions.map((s) => s.resumed)).toEqual([false, true]);
    expect(auth).toHaveBeenCalledTimes(1);
  });

  it('starts a new session with fresh auth when the old one expired on the server', async () => {
    vi.useFakeTimers();
    const { server, auth, connection, sessions } = setup();
    const connected = connection.connect();
    await accept(server, 'sid-1');
    await connected;
    server.last.drop();
    await vi.advanceTimersByTimeAsync(500);
    server.last.open();
    await settle();
    server.last.fail('hello', 'no_such_session');
    await accept(server, 'sid-2');
    await settle();
    expect(server.sockets).toHaveLength(3);
    expect(server.last.last('hello')).toMatchObject({ hello: { auth: internalAuth } });
    expect(sessions.map((s) => [s.sessionId, s.resumed])).toEqual([
      ['sid-1', false],
      ['sid-2', false],
    ]);
    expect(auth).toHaveBeenCalledTimes(2);
  });

  it('retries a failed connect with backoff and gives up after the last attempt', async () => {
    vi.useFakeTimers();
    const { server, connection, closed } = setup({
      reconnect: { maxAttempts: 2, baseDelayMs: 100, maxDelayMs: 1_000 },
    });
    const connected = connection.connect();
    const outcome = connected.catch((e: unknown) => e);
    for (const delay of [100, 200]) {
      await settle();
      server.last.drop();
      await vi.advanceTimersByTimeAsync(delay);
    }
    await settle();
    server.last.drop();
    expect(await outcome).toBeInstanceOf(SignalingError);
    expect(await outcome).toMatchObject({ code: 'reconnect_failed' });
    expect(server.sockets).toHaveLength(3);
    expect(closed).toEqual(['reconnect_failed']);
  });

  it('does not retry a refused internal secret', async () => {
    const { server, connection, closed } = setup();
    const connected = connection.connect();
    await settle();
    server.last.open();
    await settle();
    server.last.fail('hello', 'invalid_token');
    await expect(connected).rejects.toMatchObject({ code: 'invalid_token' });
    expect(server.sockets).toHaveLength(1);
    expect(closed).toEqual(['invalid_token']);
  });

  it('ends when the server says bye, and says bye itself on close', async () => {
    const a = setup();
    const connectedA = a.connection.connect();
    await accept(a.server, 'sid-1');
    await connectedA;
    a.server.last.receive({ type: 'bye', bye: { reason: 'session_expired' } });
    expect(a.closed).toEqual(['session_expired']);
    expect(a.server.last.closed).toBe(true);

    const b = setup();
    const connectedB = b.connection.connect();
    await accept(b.server, 'sid-2');
    await connectedB;
    const closing = b.connection.close();
    b.server.last.answer('bye', {});
    await closing;
    expect(b.server.last.all('bye')).toHaveLength(1);
    expect(b.closed).toEqual(['client']);
    expect(b.connection.isOpen).toBe(false);
  });
});
