import { Emitter } from '../emitter.js';
import type { MessageData, RoomType } from '../wire.js';
import { RemoteCandidates } from './ice.js';
import { watchConnection } from './connection-watch.js';
import { watchMedia, type MediaWatchOptions } from './media-watch.js';
import { candidateData, type SendMessage } from './messages.js';
import { browserPeerFactory, type PeerOptions } from './peer.js';

export interface SubscriberOptions extends PeerOptions {
  publisherId: string;
  roomType: RoomType;
  send: SendMessage;
  /** False declines video (the answer marks it inactive): audio-only recordings decode none. */
  receiveVideo: boolean;
  mediaWatch?: MediaWatchOptions;
}

type SubscriberEvents = {
  track: { track: MediaStreamTrack; stream: MediaStream; receiver: RTCRtpReceiver };
  /** A message on any data channel the publisher opened (Janus picks the label). */
  data: { label: string; text: string };
  /** Media arrives. */
  flowing: undefined;
  /** The connection or its media is lost; subscribing again is the cure. */
  failed: undefined;
};

/**
 * One receive-only PeerConnection for one publisher's stream (`video` or `screen`), answering the
 * offers Janus makes through the signaling server. Answers and candidates go to the publisher's
 * session id and echo the offer's `sid` (2.x rejects a wrong one).
 */
export class Subscriber extends Emitter<SubscriberEvents> {
  readonly pc: RTCPeerConnection;
  /** The `sid` of the offer that created this subscriber (2.x: Janus handle id; 0.4.1: none). */
  sid: string | undefined;
  private readonly remote: RemoteCandidates;
  private closed = false;

  constructor(private readonly options: SubscriberOptions) {
    super();
    this.pc = (options.peerFactory ?? browserPeerFactory)({ iceServers: options.iceServers });
    this.remote = new RemoteCandidates(this.pc, options.log);
    this.pc.onicecandidate = (event) => {
      const c = event.candidate;
      if (!c || !c.candidate || this.closed) return;
      if (options.candidateFilter && !options.candidateFilter(c)) return;
      options.send(options.publisherId, candidateData(options.roomType, c, this.sid));
    };
    this.pc.ontrack = (event) => {
      const stream = event.streams[0] ?? new MediaStream([event.track]);
      this.emit('track', { track: event.track, stream, receiver: event.receiver });
    };
    this.pc.ondatachannel = (event) => {
      const channel = event.channel;
      channel.onmessage = (msg) => {
        if (typeof msg.data === 'string') this.emit('data', { label: channel.label, text: msg.data });
      };
    };
    watchConnection(this.pc, {
      failed: () => this.emit('failed', undefined),
      isClosed: () => this.closed,
    });
    watchMedia(
      this.pc,
      {
        flowing: () => this.emit('flowing', undefined),
        stalled: () => {
          options.log.warn('subscribed media stalled', {
            publisherId: options.publisherId,
            roomType: options.roomType,
          });
          this.emit('failed', undefined);
        },
        isClosed: () => this.closed,
      },
      options.mediaWatch,
    );
  }

  /** Applies an offer (the first one, or a 2.x re-offer with the same sid) and sends the answer. */
  async handleOffer(offer: RTCSessionDescriptionInit, sid: string | undefined): Promise<void> {
    this.sid = sid ?? this.sid;
    await this.pc.setRemoteDescription(offer);
    if (!this.options.receiveVideo) {
      for (const t of this.pc.getTransceivers()) {
        if (t.receiver.track.kind === 'video') t.direction = 'inactive';
      }
    }
    const answer = await this.pc.createAnswer();
    await this.pc.setLocalDescription(answer);
    this.remote.flush();
    if (this.closed) return;
    const data: MessageData = {
      type: 'answer',
      roomType: this.options.roomType,
      ...(this.sid ? { sid: this.sid } : {}),
      payload: { type: 'answer', sdp: this.pc.localDescription?.sdp ?? answer.sdp ?? '' },
    };
    this.options.send(this.options.publisherId, data);
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
