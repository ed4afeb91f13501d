import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { FakePeerConnection, settle } from '../fakes.test-helpers.js';
import { silentLog } from '../log.js';
import type { MessageData } from '../wire.js';
import { loopbackOnly } from './ice.js';
import { Subscriptions } from './subscriptions.js';

const OFFER = 'v=0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\nm=video 9 UDP/TLS/RTP/SAVPF 96\r\n';

function setup(receiveVideo = true) {
  const sent: Array<{ to: string; data: MessageData; id: string }> = [];
  let next = 0;
  const subs = new Subscriptions({
    iceServers: [],
    log: silentLog,
    peerFactory: FakePeerConnection.factory,
    candidateFilter: loopbackOnly,
    receiveVideo,
    send: (to, data) => {
      const id = `m${++next}`;
      sent.push({ to, data, id });
      return id;
    },
    retry: { maxAttempts: 2, baseDelayMs: 1_000, maxDelayMs: 10_000 },
  });
  const events: string[] = [];
  subs.on('removed', (r) => events.push(`removed ${r.publisherId}|${r.roomType}`));
  subs.on('gaveUp', (g) => events.push(`gaveUp ${g.publisherId}|${g.roomType} ${g.code}`));
  const requests = () => sent.filter((s) => s.data.type === 'requestoffer');
  return { subs, sent, events, requests };
}

const offer = (sid?: string, sdp = OFFER): MessageData => ({
  type: 'offer',
  roomType: 'video',
  ...(sid ? { sid } : {}),
  payload: { type: 'offer', sdp },
});

describe('Subscriptions', () => {
  beforeEach(() => {
    FakePeerConnection.reset();
    vi.useFakeTimers();
  });
  afterEach(() => vi.useRealTimers());

  it('asks each publisher once for an offer of its video stream', () => {
    const { subs, requests } = setup();
    subs.sync(new Map([['P1', 7]]));
    subs.sync(new Map([['P1', 7]]));
    subs.sync(
      new Map([
        ['P1', 7],
        ['P2', 3],
      ]),
    );
    expect(requests().map((r) => [r.to, r.data])).toEqual([
      ['P1', { type: 'requestoffer', roomType: 'video' }],
      ['P2', { type: 'requestoffer', roomType: 'video' }],
    ]);
  });

  it("answers the publisher's offer to its session id, echoing the 2.x sid", async () => {
    const { subs, sent } = setup();
    subs.sync(new Map([['P1', 7]]));
    subs.handleMessage('P1', 'video', offer('janus-handle-9'));
    await settle();
    const pc = FakePeerConnection.created[0]!;
    expect(pc.remoteDescription).toEqual({ type: 'offer', sdp: OFFER });
    expect(sent.at(-1)).toMatchObject({
      to: 'P1',
      data: {
        type: 'answer',
        roomType: 'video',
        sid: 'janus-handle-9',
        payload: { type: 'answer', sdp: 'answer audio:recvonly,video:recvonly' },
      },
    });
  });

  it('answers a 0.4.1 offer (no sid) without a sid', async () => {
    const { subs, sent } = setup();
    subs.sync(new Map([['P1', 7]]));
    subs.handleMessage('P1', 'video', offer());
    await settle();
    expect(sent.at(-1)!.data).not.toHaveProperty('sid');
  });

  it('declines video in audio-only mode', async () => {
    const { subs, sent } = setup(false);
    subs.handleMessage('P1', 'video', offer());
    await settle();
    expect(sent.at(-1)!.data.payload).toMatchObject({ sdp: 'answer audio:recvonly,video:inactive' });
  });

  it('keeps remote candidates until the offer is applied, and trickles loopback candidates to the publisher', async () => {
    const { subs, sent } = setup();
    subs.sync(new Map([['P1', 7]]));
    subs.handleMessage('P1', 'video', offer('s1'));
    const candidate = {
      type: 'candidate',
      roomType: 'video',
      payload: {
        candidate: {
          candidate: 'candidate:1 1 udp 1 127.0.0.1 2000 typ host',
          sdpMid: '0',
          sdpMLineIndex: 0,
        },
      },
    };
    subs.handleMessage('P1', 'video', candidate);
    await settle();
    const pc = FakePeerConnection.created[0]!;
    expect(pc.candidates).toEqual([candidate.payload.candidate]);
    pc.gather('candidate:2 1 udp 1 192.0.2.7 3000 typ host');
    pc.gather('candidate:3 1 udp 1 127.0.0.1 3001 typ host');
    expect(sent.filter((s) => s.data.type === 'candidate')).toEqual([
      {
        to: 'P1',
        id: expect.any(String),
        data: {
          type: 'candidate',
          roomType: 'video',
          sid: 's1',
          payload: {
            candidate: {
              candidate: 'candidate:3 1 udp 1 127.0.0.1 3001 typ host',
              sdpMid: '0',
              sdpMLineIndex: 0,
            },
          },
        },
      },
    ]);
  });

  it('retries after client_not_found within bounds, then gives up until the flags change', async () => {
    const { subs, requests, events } = setup();
    subs.sync(new Map([['P1', 7]]));
    expect(subs.handleError(requests()[0]!.id, 'client_not_found')).toBe(true);
    await vi.advanceTimersByTimeAsync(1_000);
    subs.handleError(requests()[1]!.id, 'processing_failed');
    await vi.advanceTimersByTimeAsync(2_000);
    subs.handleError(requests()[2]!.id, 'client_not_found');
    await vi.advanceTimersByTimeAsync(60_000);
    expect(requests()).toHaveLength(3);
    expect(events).toEqual(['gaveUp P1|video client_not_found']);
    subs.sync(new Map([['P1', 3]]));
    expect(requests()).toHaveLength(4);
  });

  it('gives up at once when not allowed, and ignores errors about ids it does not know', () => {
    const { subs, requests, events } = setup();
    subs.sync(new Map([['P1', 7]]));
    expect(subs.handleError('other', 'not_allowed')).toBe(false);
    subs.handleError(requests()[0]!.id, 'not_allowed');
    expect(events).toEqual(['gaveUp P1|video not_allowed']);
  });

  it('asks again when an offer does not come in time', async () => {
    const { subs, requests } = setup();
    subs.sync(new Map([['P1', 7]]));
    await vi.advanceTimersByTimeAsync(25_000);
    expect(requests()).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(requests()).toHaveLength(2);
  });

  it('renegotiates on a re-offer with the same sid, and replaces the PeerConnection on a new sid', async () => {
    const { subs, events } = setup();
    subs.handleMessage('P1', 'video', offer('s1'));
    await settle();
    subs.handleMessage('P1', 'video', offer('s1', `${OFFER}m=video 9 UDP/TLS/RTP/SAVPF 96\r\n`));
    await settle();
    expect(FakePeerConnection.created).toHaveLength(1);
    subs.handleMessage('P1', 'video', offer('s2'));
    await settle();
    expect(FakePeerConnection.created).toHaveLength(2);
    expect(FakePeerConnection.created[0]!.closed).toBe(true);
    expect(events).toEqual(['removed P1|video']);
  });

  it('takes unsolicited screen offers and ends them on unshareScreen', async () => {
    const { subs, events, sent } = setup();
    subs.handleMessage('P1', 'screen', { ...offer(), roomType: 'screen' });
    await settle();
    expect(sent.at(-1)).toMatchObject({ to: 'P1', data: { type: 'answer', roomType: 'screen' } });
    subs.end('P1', 'screen');
    expect(events).toEqual(['removed P1|screen']);
    expect(FakePeerConnection.created[0]!.closed).toBe(true);
  });

  it('subscribes again when the PeerConnection fails, and tears down publishers that are gone', async () => {
    const { subs, requests, events } = setup();
    subs.sync(new Map([['P1', 7]]));
    subs.handleMessage('P1', 'video', offer());
    await settle();
    FakePeerConnection.created[0]!.setState('failed');
    expect(events).toEqual(['removed P1|video']);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(requests()).toHaveLength(2);
    subs.handleMessage('P1', 'video', offer());
    await settle();
    subs.handleMessage('P2', 'screen', { ...offer(), roomType: 'screen' });
    await settle();
    subs.sync(new Map());
    subs.keepOnly(new Set());
    expect(events).toEqual(['removed P1|video', 'removed P1|video', 'removed P2|screen']);
    expect(FakePeerConnection.created.every((pc) => pc.closed)).toBe(true);
  });

  it('treats a connection that stays disconnected as lost (Janus drops subscribers of a publisher that left)', async () => {
    const { subs, requests, events } = setup();
    subs.sync(new Map([['P1', 7]]));
    subs.handleMessage('P1', 'video', offer());
    await settle();
    const pc = FakePeerConnection.created[0]!;
    pc.setState('connected');
    pc.setState('disconnected');
    pc.setState('connected');
    for (let i = 1; i <= 10; i++) {
      pc.bytesReceived = i * 1000;
      await vi.advanceTimersByTimeAsync(1_000);
    }
    expect(events).toEqual([]);
    pc.setState('disconnected');
    await vi.advanceTimersByTimeAsync(5_000);
    expect(events).toEqual(['removed P1|video']);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(requests()).toHaveLength(2);
  });

  it('subscribes again when media stops while the connection stays up (a publisher that published anew)', async () => {
    const { subs, requests, events } = setup();
    subs.sync(new Map([['P1', 7]]));
    subs.handleMessage('P1', 'video', offer());
    await settle();
    const pc = FakePeerConnection.created[0]!;
    pc.setState('connected');
    for (let i = 1; i <= 5; i++) {
      pc.bytesReceived = i * 1000;
      await vi.advanceTimersByTimeAsync(1_000);
    }
    expect(events).toEqual([]);
    await vi.advanceTimersByTimeAsync(5_000);
    expect(events).toEqual(['removed P1|video']);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(requests()).toHaveLength(2);
  });
});
