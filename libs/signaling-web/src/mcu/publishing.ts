import { Emitter } from '../emitter.js';
import { SignalingError } from '../errors.js';
import { retryDelay, type RetryPolicy } from '../retry.js';
import type { MessageData, RoomType } from '../wire.js';
import { readCandidate, readDescription, type SendMessage } from './messages.js';
import { Publisher } from './publisher.js';
import type { PeerOptions } from './peer.js';

export interface PublishingOptions extends PeerOptions {
  send: SendMessage;
  selfId: () => string;
  nick?: string;
  retry?: RetryPolicy;
  /** How long an offer may stay unanswered before it is made again on a new PeerConnection. */
  answerTimeoutMs?: number;
}

type PublishingEvents = {
  /** A stream's PeerConnection is up (again). */
  published: { roomType: RoomType; publisher: Publisher };
  gaveUp: { roomType: RoomType; code: string };
};

interface Entry {
  roomType: RoomType;
  stream: MediaStream;
  publisher?: Publisher;
  offerId?: string;
  answerTimer?: ReturnType<typeof setTimeout>;
  retryTimer?: ReturnType<typeof setTimeout>;
  attempts: number;
  settle?: { resolve: () => void; reject: (err: Error) => void };
}

const defaultRetry: RetryPolicy = { maxAttempts: 5, baseDelayMs: 1_000, maxDelayMs: 8_000 };

/** Our published streams: offer, answer, trickle, and a new PeerConnection after errors (bounded). */
export class Publishing extends Emitter<PublishingEvents> {
  private readonly entries = new Map<RoomType, Entry>();
  private readonly policy: RetryPolicy;

  constructor(private readonly options: PublishingOptions) {
    super();
    this.policy = options.retry ?? defaultRetry;
  }

  /** Resolves once the stream's PeerConnection is connected; rejects when publishing gave up. */
  publish(roomType: RoomType, stream: MediaStream): Promise<void> {
    this.unpublish(roomType);
    const entry: Entry = { roomType, stream, attempts: 0 };
    this.entries.set(roomType, entry);
    const done = new Promise<void>((resolve, reject) => (entry.settle = { resolve, reject }));
    void this.start(entry);
    return done;
  }

  unpublish(roomType: RoomType): void {
    const entry = this.entries.get(roomType);
    if (!entry) return;
    this.entries.delete(roomType);
    this.stop(entry);
    entry.settle?.reject(new SignalingError('unpublished', `${roomType} was unpublished`));
  }

  has(roomType: RoomType): boolean {
    return this.entries.has(roomType);
  }

  publisher(roomType: RoomType): Publisher | undefined {
    return this.entries.get(roomType)?.publisher;
  }

  /** After a new signaling session every publisher is gone on the server: publish again. */
  restartAll(): void {
    for (const entry of this.entries.values()) {
      this.stop(entry);
      entry.attempts = 0;
      void this.start(entry);
    }
  }

  closeAll(): void {
    for (const roomType of [...this.entries.keys()]) this.unpublish(roomType);
  }

  /** An MCU message from our own session id (`answer` or `candidate`). */
  handleMessage(roomType: RoomType, data: MessageData): void {
    const entry = this.entries.get(roomType);
    const publisher = entry?.publisher;
    if (!entry || !publisher) return;
    if (data.type === 'answer') {
      const answer = readDescription(data, 'answer');
      if (!answer) return;
      clearTimeout(entry.answerTimer);
      publisher
        .handleAnswer(answer)
        .catch((err: unknown) => this.failed(entry, publisher, `answer: ${String(err)}`));
    } else if (data.type === 'candidate') {
      const candidate = readCandidate(data);
      if (candidate) publisher.addRemoteCandidate(candidate);
    }
  }

  handleError(id: string, code: string): boolean {
    const entry = [...this.entries.values()].find((e) => e.offerId === id);
    if (!entry) return false;
    this.options.log.warn('publish refused', { roomType: entry.roomType, code });
    if (code === 'not_allowed') {
      this.entries.delete(entry.roomType);
      this.stop(entry);
      this.emit('gaveUp', { roomType: entry.roomType, code });
      entry.settle?.reject(new SignalingError(code, `publishing ${entry.roomType} is not allowed`));
      return true;
    }
    if (entry.publisher) this.failed(entry, entry.publisher, code);
    return true;
  }

  private async start(entry: Entry): Promise<void> {
    const publisher = new Publisher({
      ...this.options,
      roomType: entry.roomType,
      stream: entry.stream,
      selfId: this.options.selfId(),
      ...(this.options.nick ? { nick: this.options.nick } : {}),
    });
    entry.publisher = publisher;
    publisher.on('connected', () => {
      entry.attempts = 0;
      this.emit('published', { roomType: entry.roomType, publisher });
      entry.settle?.resolve();
    });
    publisher.on('failed', () => this.failed(entry, publisher, 'ice_failed'));
    try {
      entry.offerId = await publisher.offer();
    } catch (err) {
      this.failed(entry, publisher, `offer: ${String(err)}`);
      return;
    }
    entry.answerTimer = setTimeout(
      () => this.failed(entry, publisher, 'timeout'),
      this.options.answerTimeoutMs ?? 20_000,
    );
  }

  private failed(entry: Entry, publisher: Publisher, code: string): void {
    if (entry.publisher !== publisher || this.entries.get(entry.roomType) !== entry) return;
    this.stop(entry);
    entry.attempts++;
    const delay = retryDelay(this.policy, entry.attempts);
    if (delay === null) {
      this.entries.delete(entry.roomType);
      this.emit('gaveUp', { roomType: entry.roomType, code });
      entry.settle?.reject(new SignalingError(code, `publishing ${entry.roomType} failed`));
      return;
    }
    this.options.log.warn('publishing failed, retrying', {
      roomType: entry.roomType,
      code,
      retryInMs: delay,
    });
    entry.retryTimer = setTimeout(() => {
      entry.retryTimer = undefined;
      if (this.entries.get(entry.roomType) === entry) void this.start(entry);
    }, delay);
  }

  private stop(entry: Entry): void {
    clearTimeout(entry.answerTimer);
    clearTimeout(entry.retryTimer);
    entry.retryTimer = undefined;
    entry.offerId = undefined;
    entry.publisher?.close();
    entry.publisher = undefined;
  }
}
