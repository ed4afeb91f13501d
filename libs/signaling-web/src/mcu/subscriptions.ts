import { Emitter } from '../emitter.js';
import { retryDelay, type RetryPolicy } from '../retry.js';
import type { MessageData, RoomType } from '../wire.js';
import { readCandidate, readDescription, type SendMessage } from './messages.js';
import type { MediaWatchOptions } from './media-watch.js';
import type { PeerOptions } from './peer.js';
import { Subscriber } from './subscriber.js';

export interface SubscriptionsOptions extends PeerOptions {
  send: SendMessage;
  receiveVideo: boolean;
  mediaWatch?: MediaWatchOptions;
  /** Retries of `requestoffer` after an error, a timeout or a failed PeerConnection. */
  retry?: RetryPolicy;
  /**
   * How long a `requestoffer` may stay unanswered. The server itself waits up to 10 s for the
   * publisher and again up to 10 s for its media, so anything shorter races its answer.
   */
  offerTimeoutMs?: number;
}

export interface MediaKey {
  publisherId: string;
  roomType: RoomType;
}

/** A track of a publisher's stream, as it arrives (again after a resubscribe). */
export type RemoteTrack = MediaKey & {
  track: MediaStreamTrack;
  stream: MediaStream;
  receiver: RTCRtpReceiver;
};

type SubscriptionEvents = {
  track: RemoteTrack;
  /** A subscription's PeerConnection is gone; its tracks ended. */
  removed: MediaKey;
  data: MediaKey & { label: string; text: string };
  /** Retrying stopped; the stream stays unsubscribed until the publisher's flags change. */
  gaveUp: MediaKey & { code: string };
};

interface Slot extends MediaKey {
  /** Video slots follow the roster; screen slots exist while their offers keep coming. */
  wanted: boolean;
  flags: number;
  subscriber?: Subscriber;
  requestId?: string;
  requestTimer?: ReturnType<typeof setTimeout>;
  retryTimer?: ReturnType<typeof setTimeout>;
  attempts: number;
  gaveUp: boolean;
}

const defaultRetry: RetryPolicy = { maxAttempts: 8, baseDelayMs: 1_000, maxDelayMs: 10_000 };

/**
 * Every subscription of this session: asks each publisher's `video` stream with `requestoffer` (one
 * outstanding request per stream), answers the offers, including unsolicited ones (screen shares are
 * pushed with `sendoffer`, and 2.x re-offers with the same `sid`), and retries within bounds.
 */
export class Subscriptions extends Emitter<SubscriptionEvents> {
  private readonly slots = new Map<string, Slot>();
  private readonly policy: RetryPolicy;
  private readonly offerTimeoutMs: number;

  constructor(private readonly options: SubscriptionsOptions) {
    super();
    this.policy = options.retry ?? defaultRetry;
    this.offerTimeoutMs = options.offerTimeoutMs ?? 25_000;
  }

  /** The wanted `video` publishers (session id → in-call flags); others are torn down. */
  sync(publishers: Map<string, number>): void {
    for (const slot of this.slots.values()) {
      if (slot.roomType === 'video' && !publishers.has(slot.publisherId)) this.drop(slot);
    }
    for (const [publisherId, flags] of publishers) {
      const slot = this.slot(publisherId, 'video');
      if (slot.flags !== flags) {
        // New flags (e.g. video switched on) deserve a fresh set of attempts.
        slot.flags = flags;
        slot.attempts = 0;
        slot.gaveUp = false;
      }
      slot.wanted = true;
      this.ensure(slot);
    }
  }

  /** Closes every stream (screens included) of publishers that are no longer in the call. */
  keepOnly(present: Set<string>): void {
    for (const slot of [...this.slots.values()]) {
      if (!present.has(slot.publisherId)) this.drop(slot);
    }
  }

  /** A publisher left the room or the call: close both of its streams. */
  remove(publisherId: string): void {
    for (const roomType of ['video', 'screen'] as const) {
      const slot = this.slots.get(key(publisherId, roomType));
      if (slot) this.drop(slot);
    }
  }

  /** The publisher stopped a stream (`unshareScreen`). */
  end(publisherId: string, roomType: RoomType): void {
    const slot = this.slots.get(key(publisherId, roomType));
    if (slot) this.drop(slot);
  }

  closeAll(): void {
    for (const slot of [...this.slots.values()]) this.drop(slot);
  }

  /** An MCU message from a publisher's session (`offer` or `candidate`). */
  handleMessage(from: string, roomType: RoomType, data: MessageData): void {
    if (data.type === 'offer') {
      const offer = readDescription(data, 'offer');
      if (offer) void this.offer(from, roomType, offer, data.sid);
      return;
    }
    if (data.type === 'candidate') {
      const candidate = readCandidate(data);
      const slot = this.slots.get(key(from, roomType));
      if (candidate && slot?.subscriber) slot.subscriber.addRemoteCandidate(candidate);
    }
  }

  /** An `error` answer; returns false when the id is not one of ours. */
  handleError(id: string, code: string): boolean {
    const slot = [...this.slots.values()].find((s) => s.requestId === id);
    if (!slot) return false;
    this.clearRequest(slot);
    this.options.log.warn('subscribe request refused', {
      publisherId: slot.publisherId,
      roomType: slot.roomType,
      code,
    });
    if (code === 'not_allowed') this.giveUp(slot, code);
    else this.retry(slot, code);
    return true;
  }

  private slot(publisherId: string, roomType: RoomType): Slot {
    const k = key(publisherId, roomType);
    let slot = this.slots.get(k);
    if (!slot) {
      slot = { publisherId, roomType, wanted: roomType === 'screen', flags: -1, attempts: 0, gaveUp: false };
      this.slots.set(k, slot);
    }
    return slot;
  }

  private ensure(slot: Slot): void {
    if (slot.subscriber || slot.requestId || slot.retryTimer || slot.gaveUp) return;
    this.request(slot);
  }

  private request(slot: Slot): void {
    slot.requestId = this.options.send(slot.publisherId, { type: 'requestoffer', roomType: slot.roomType });
    slot.requestTimer = setTimeout(() => {
      this.clearRequest(slot);
      this.retry(slot, 'timeout');
    }, this.offerTimeoutMs);
  }

  private clearRequest(slot: Slot): void {
    clearTimeout(slot.requestTimer);
    slot.requestTimer = undefined;
    slot.requestId = undefined;
  }

  private retry(slot: Slot, code: string): void {
    if (!slot.wanted || slot.retryTimer) return;
    slot.attempts++;
    const delay = retryDelay(this.policy, slot.attempts);
    if (delay === null) {
      this.giveUp(slot, code);
      return;
    }
    slot.retryTimer = setTimeout(() => {
      slot.retryTimer = undefined;
      if (slot.wanted && !slot.subscriber) this.request(slot);
    }, delay);
  }

  private giveUp(slot: Slot, code: string): void {
    slot.gaveUp = true;
    this.emit('gaveUp', { publisherId: slot.publisherId, roomType: slot.roomType, code });
  }

  private async offer(
    from: string,
    roomType: RoomType,
    offer: RTCSessionDescriptionInit,
    sid?: string,
  ): Promise<void> {
    const slot = this.slot(from, roomType);
    slot.wanted = true;
    slot.gaveUp = false;
    this.clearRequest(slot);
    clearTimeout(slot.retryTimer);
    slot.retryTimer = undefined;
    const current = slot.subscriber;
    let subscriber = current;
    if (!current || !sid || current.sid !== sid) {
      if (current) this.closeSubscriber(slot);
      subscriber = this.createSubscriber(slot);
    }
    try {
      await subscriber!.handleOffer(offer, sid);
    } catch (err) {
      this.options.log.warn('offer could not be answered', {
        publisherId: from,
        roomType,
        error: String(err),
      });
      if (slot.subscriber === subscriber) this.closeSubscriber(slot);
      this.retry(slot, 'offer_failed');
    }
  }

  private createSubscriber(slot: Slot): Subscriber {
    const subscriber = new Subscriber({
      ...this.options,
      publisherId: slot.publisherId,
      roomType: slot.roomType,
    });
    const media = { publisherId: slot.publisherId, roomType: slot.roomType };
    subscriber.on('track', (t) => this.emit('track', { ...media, ...t }));
    subscriber.on('data', (d) => this.emit('data', { ...media, ...d }));
    // Attempts start over only once media really flows (a connection alone can be empty).
    subscriber.on('flowing', () => {
      slot.attempts = 0;
    });
    subscriber.on('failed', () => {
      if (slot.subscriber !== subscriber) return;
      this.options.log.warn('subscriber connection failed', media);
      this.closeSubscriber(slot);
      this.retry(slot, 'ice_failed');
    });
    slot.subscriber = subscriber;
    return subscriber;
  }

  private closeSubscriber(slot: Slot): void {
    if (!slot.subscriber) return;
    slot.subscriber.close();
    slot.subscriber = undefined;
    this.emit('removed', { publisherId: slot.publisherId, roomType: slot.roomType });
  }

  private drop(slot: Slot): void {
    slot.wanted = false;
    this.clearRequest(slot);
    clearTimeout(slot.retryTimer);
    this.closeSubscriber(slot);
    this.slots.delete(key(slot.publisherId, slot.roomType));
  }
}

function key(publisherId: string, roomType: RoomType): string {
  return `${publisherId}|${roomType}`;
}
