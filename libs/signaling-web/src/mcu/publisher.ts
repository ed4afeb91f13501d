import { Emitter } from '../emitter.js';
import type { MessageData, RoomType } from '../wire.js';
import { RemoteCandidates } from './ice.js';
import { watchConnection } from './connection-watch.js';
import { candidateData, type SendMessage } from './messages.js';
import { browserPeerFactory, type PeerOptions } from './peer.js';

export interface PublisherOptions extends PeerOptions {
  roomType: RoomType;
  stream: MediaStream;
  /** Our own session id: publisher messages are addressed to it. */
  selfId: string;
  send: SendMessage;
  /** Display name put into the offer payload (Talk's `nick`). */
  nick?: string;
}

type PublisherEvents = {
  connected: undefined;
  failed: undefined;
};

/**
 * One send-only PeerConnection publishing our stream to Janus. The offer goes to our own session id;
 * the server answers with Janus' answer from the same id. A camera stream opens a data channel before
 * the offer so that an `m=application` section is negotiated (Talk's status messages use it).
 */
export class Publisher extends Emitter<PublisherEvents> {
  readonly pc: RTCPeerConnection;
  /** Our offer's `sid`; 2.x keys the publisher by it and echoes it. */
  readonly sid = String(Date.now());
  private readonly remote: RemoteCandidates;
  private closed = false;

  constructor(private readonly options: PublisherOptions) {
    super();
    this.pc = (options.peerFactory ?? browserPeerFactory)({ iceServers: options.iceServers });
    this.remote = new RemoteCandidates(this.pc, options.log);
    for (const track of options.stream.getTracks()) {
      this.pc.addTransceiver(track, { direction: 'sendonly', streams: [options.stream] });
    }
    if (options.roomType === 'video') this.pc.createDataChannel('status');
    this.pc.onicecandidate = (event) => {
      const c = event.candidate;
      if (!c || !c.candidate || this.closed) return;
      if (options.candidateFilter && !options.candidateFilter(c)) return;
      options.send(options.selfId, candidateData(options.roomType, c, this.sid));
    };
    watchConnection(this.pc, {
      connected: () => this.emit('connected', undefined),
      failed: () => this.emit('failed', undefined),
      isClosed: () => this.closed,
    });
  }

  /** Creates and sends the offer; returns the message id (an error answer carries it). */
  async offer(): Promise<string> {
    const offer = await this.pc.createOffer();
    await this.pc.setLocalDescription(offer);
    const data: MessageData = {
      type: 'offer',
      roomType: this.options.roomType,
      sid: this.sid,
      payload: {
        type: 'offer',
        sdp: this.pc.localDescription?.sdp ?? offer.sdp ?? '',
        ...(this.options.nick ? { nick: this.options.nick } : {}),
      },
    };
    return this.options.send(this.options.selfId, data);
  }

  async handleAnswer(answer: RTCSessionDescriptionInit): Promise<void> {
    if (this.pc.signalingState !== 'have-local-offer') return;
    await this.pc.setRemoteDescription(answer);
    this.remote.flush();
  }

  addRemoteCandidate(candidate: RTCIceCandidateInit): void {
    this.remote.add(candidate);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.pc.close();
  }
}
