import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { FakePeerConnection, fakeStream, settle } from '../fakes.test-helpers.js';
import { silentLog } from '../log.js';
import type { MessageData } from '../wire.js';
import { Publishing } from './publishing.js';

function setup() {
  const sent: Array<{ to: string; data: MessageData; id: string }> = [];
  let next = 0;
  const publishing = new Publishing({
    iceServers: [],
    log: silentLog,
    peerFactory: FakePeerConnection.factory,
    selfId: () => 'ME',
    nick: 'Alice A.',
    send: (to, data) => {
      const id = `m${++next}`;
      sent.push({ to, data, id });
      return id;
    },
    retry: { maxAttempts: 1, baseDelayMs: 1_000, maxDelayMs: 1_000 },
    answerTimeoutMs: 5_000,
  });
  const offers = () => sent.filter((s) => s.data.type === 'offer');
  return { publishing, sent, offers };
}

describe('Publishing', () => {
  beforeEach(() => {
    FakePeerConnection.reset();
    vi.useFakeTimers();
  });
  afterEach(() => vi.useRealTimers());

  it('offers camera and microphone to its own session id, with a data channel, and is done once connected', async () => {
    const { publishing, offers } = setup();
    let done = false;
    const published = publishing.publish('video', fakeStream(['audio', 'video'])).then(() => (done = true));
    await settle();
    const pc = FakePeerConnection.created[0]!;
    expect(pc.dataChannels).toEqual(['status']);
    expect(pc.transceivers.map((t) => `${t.receiver.track.kind}:${t.direction}`)).toEqual([
      'audio:sendonly',
      'video:sendonly',
    ]);
    const [offer] = offers();
    expect(offer).toMatchObject({
      to: 'ME',
      data: {
        type: 'offer',
        roomType: 'video',
        sid: expect.any(String),
        payload: { type: 'offer', sdp: 'offer 1', nick: 'Alice A.' },
      },
    });
    publishing.handleMessage('video', {
      type: 'answer',
      roomType: 'video',
      payload: { type: 'answer', sdp: 'janus answer' },
    });
    publishing.handleMessage('video', {
      type: 'candidate',
      roomType: 'video',
      payload: {
        candidate: {
          candidate: 'candidate:1 1 udp 1 127.0.0.1 20000 typ host',
          sdpMid: '0',
          sdpMLineIndex: 0,
        },
      },
    });
    await settle();
    expect(pc.remoteDescription).toEqual({ type: 'answer', sdp: 'janus answer' });
    expect(pc.candidates).toHaveLength(1);
    expect(done).toBe(false);
    pc.setState('connected');
    await published;
  });

  it('shares a screen without a data channel', async () => {
    const { publishing, offers } = setup();
    void publishing.publish('screen', fakeStream(['video']));
    await settle();
    expect(FakePeerConnection.created[0]!.dataChannels).toEqual([]);
    expect(offers()[0]!.data.roomType).toBe('screen');
  });

  it('gives up at once when publishing is not allowed', async () => {
    const { publishing, offers } = setup();
    const published = publishing.publish('video', fakeStream(['audio']));
    await settle();
    expect(publishing.handleError(offers()[0]!.id, 'not_allowed')).toBe(true);
    await expect(published).rejects.toMatchObject({ code: 'not_allowed' });
    expect(FakePeerConnection.created[0]!.closed).toBe(true);
  });

  it('offers again on a new PeerConnection when the answer does not come, within bounds', async () => {
    const { publishing, offers } = setup();
    const published = publishing.publish('video', fakeStream(['audio']));
    const outcome = published.catch((e: unknown) => e);
    await settle();
    await vi.advanceTimersByTimeAsync(5_000 + 1_000);
    expect(offers()).toHaveLength(2);
    expect(FakePeerConnection.created[0]!.closed).toBe(true);
    await vi.advanceTimersByTimeAsync(5_000);
    expect(await outcome).toMatchObject({ code: 'timeout' });
  });

  it('publishes everything again after a new signaling session', async () => {
    const { publishing, offers } = setup();
    const published = publishing.publish('video', fakeStream(['audio']));
    await settle();
    publishing.restartAll();
    await settle();
    expect(offers()).toHaveLength(2);
    expect(FakePeerConnection.created[0]!.closed).toBe(true);
    publishing.unpublish('video');
    expect(FakePeerConnection.created[1]!.closed).toBe(true);
    await expect(published).rejects.toMatchObject({ code: 'unpublished' });
  });
});
