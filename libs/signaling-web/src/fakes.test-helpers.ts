import type { Transport, TransportFactory, TransportHandlers } from './transport.js';
import type { ClientMessage, ServerMessage } from './wire.js';

/** Lets chains of pending promise callbacks run (no timers involved, so fake timers do not matter). */
export async function settle(): Promise<void> {
  for (let i = 0; i < 20; i++) await Promise.resolve();
}

/** One fake websocket: records what the client sends, and plays the server. */
export class FakeSocket implements Transport {
  readonly sent: ClientMessage[] = [];
  closed = false;

  constructor(
    readonly url: string,
    private readonly handlers: TransportHandlers,
  ) {}

  send(text: string): void {
    this.sent.push(JSON.parse(text) as ClientMessage);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.handlers.close(1000, '');
  }

  open(): void {
    this.handlers.open();
  }

  receive(message: ServerMessage): void {
    this.handlers.message(JSON.stringify(message));
  }

  /** The network drops the connection. */
  drop(code = 1006): void {
    this.closed = true;
    this.handlers.close(code, '');
  }

  last(type: string): ClientMessage | undefined {
    return [...this.sent].reverse().find((m) => m.type === type);
  }

  all(type: string): ClientMessage[] {
    return this.sent.filter((m) => m.type === type);
  }

  /** Answers the client's last hello. */
  answerHello(sessionId: string, extra: Record<string, unknown> = {}): void {
    const hello = this.last('hello')!;
    this.receive({
      id: hello.id,
      type: 'hello',
      hello: { version: '1.0', sessionid: sessionId, resumeid: `resume-${sessionId}`, userid: '', ...extra },
    });
  }

  /** Answers the client's last request of `type` with `body`. */
  answer(type: string, body: Record<string, unknown>): void {
    const request = this.last(type)!;
    this.receive({ id: request.id, type, [type]: body });
  }

  fail(type: string, code: string): void {
    const request = this.last(type)!;
    this.receive({ id: request.id, type: 'error', error: { code, message: code } });
  }
}

export class FakeServer {
  readonly sockets: FakeSocket[] = [];

  readonly transport: TransportFactory = (url, handlers) => {
    const socket = new FakeSocket(url, handlers);
    this.sockets.push(socket);
    return socket;
  };

  get last(): FakeSocket {
    const socket = this.sockets[this.sockets.length - 1];
    if (!socket) throw new Error('no socket opened yet');
    return socket;
  }
}

interface FakeTransceiver {
  receiver: { track: { kind: string } };
  direction: string;
  sender?: { track: unknown };
}

/** The part of RTCPeerConnection the lib uses, with knobs for tests. */
export class FakePeerConnection {
  static created: FakePeerConnection[] = [];
  closed = false;
  connectionState = 'new';
  signalingState = 'stable';
  localDescription: RTCSessionDescriptionInit | null = null;
  remoteDescription: RTCSessionDescriptionInit | null = null;
  onicecandidate: ((e: { candidate: unknown }) => void) | null = null;
  ontrack: ((e: unknown) => void) | null = null;
  ondatachannel: ((e: unknown) => void) | null = null;
  onconnectionstatechange: (() => void) | null = null;
  readonly transceivers: FakeTransceiver[] = [];
  readonly candidates: RTCIceCandidateInit[] = [];
  readonly dataChannels: string[] = [];
  offers = 0;
  /** What `getStats()` reports as received (the media watch reads it). */
  bytesReceived = 0;

  constructor(readonly config: RTCConfiguration) {
    FakePeerConnection.created.push(this);
  }

  static factory = (config: RTCConfiguration) =>
    new FakePeerConnection(config) as unknown as RTCPeerConnection;

  static reset(): void {
    FakePeerConnection.created = [];
  }

  setRemoteDescription(d: RTCSessionDescriptionInit): Promise<void> {
    this.remoteDescription = d;
    if (d.type === 'offer') {
      this.signalingState = 'have-remote-offer';
      for (const kind of (d.sdp ?? '').match(/m=(audio|video)/g) ?? []) {
        this.transceivers.push({ receiver: { track: { kind: kind.slice(2) } }, direction: 'recvonly' });
      }
    } else this.signalingState = 'stable';
    return Promise.resolve();
  }

  createAnswer(): Promise<RTCSessionDescriptionInit> {
    const directions = this.transceivers.map((t) => `${t.receiver.track.kind}:${t.direction}`).join(',');
    return Promise.resolve({ type: 'answer', sdp: `answer ${directions}` });
  }

  createOffer(): Promise<RTCSessionDescriptionInit> {
    this.offers++;
    return Promise.resolve({ type: 'offer', sdp: `offer ${this.offers}` });
  }

  setLocalDescription(d: RTCSessionDescriptionInit): Promise<void> {
    this.localDescription = d;
    this.signalingState = d.type === 'offer' ? 'have-local-offer' : 'stable';
    return Promise.resolve();
  }

  addIceCandidate(c: RTCIceCandidateInit): Promise<void> {
    if (!this.remoteDescription) return Promise.reject(new Error('no remote description'));
    this.candidates.push(c);
    return Promise.resolve();
  }

  addTransceiver(track: { kind: string }, init: { direction: string }): void {
    this.transceivers.push({
      receiver: { track: { kind: track.kind } },
      direction: init.direction,
      sender: { track },
    });
  }

  createDataChannel(label: string): { label: string; readyState: string } {
    this.dataChannels.push(label);
    return { label, readyState: 'connecting' };
  }

  getStats(): Promise<Map<string, { type: string; bytesReceived: number }>> {
    return Promise.resolve(new Map([['in', { type: 'inbound-rtp', bytesReceived: this.bytesReceived }]]));
  }

  getTransceivers(): FakeTransceiver[] {
    return this.transceivers;
  }

  close(): void {
    this.closed = true;
    this.connectionState = 'closed';
  }

  /** The browser gathered a local candidate. */
  gather(candidate: string): void {
    this.onicecandidate?.({ candidate: { candidate, sdpMid: '0', sdpMLineIndex: 0 } });
  }

  setState(state: string): void {
    this.connectionState = state;
    this.onconnectionstatechange?.();
  }
}

/** A stream with fake tracks (Node has no MediaStream). */
export function fakeStream(kinds: string[]): MediaStream {
  const tracks = kinds.map((kind) => ({ kind, id: `${kind}-track` }));
  return { getTracks: () => tracks } as unknown as MediaStream;
}
