import { Emitter } from './emitter.js';
import { SignalingError, fatalHelloErrors } from './errors.js';
import { silentLog, type Log } from './log.js';
import { retryDelay, type RetryPolicy } from './retry.js';
import { webSocketTransport, type Transport, type TransportFactory } from './transport.js';
import type { HelloAuth, ServerMessage } from './wire.js';

export interface ConnectionOptions {
  /** The signaling server's websocket URL (`ws(s)://…/spreed`). */
  url: string;
  /** Hello auth for every new session: called again after a session is lost, so it can be fresh. */
  auth: () => Promise<HelloAuth>;
  /** Client features announced in the hello. */
  features?: string[];
  transport?: TransportFactory;
  log?: Log;
  /** How long a request (hello, room join, bye) may wait for its answer. */
  requestTimeoutMs?: number;
  /** Attempts to (re)establish a session before giving up. */
  reconnect?: RetryPolicy;
}

export interface SessionInfo {
  /** The public session id. */
  sessionId: string;
  userId: string;
  /** True when a reconnect resumed the previous session (room, publishers and subscribers kept). */
  resumed: boolean;
  /** Signaling ≥ 1.0 greets with a welcome; 0.4.1 does not. */
  welcome: boolean;
  serverVersion: string;
  serverFeatures: string[];
}

type ConnectionEvents = {
  /** A hello succeeded: the first one, or one after a reconnect. */
  session: SessionInfo;
  /** Every server message that is not the answer to a request of this connection. */
  message: ServerMessage;
  /** The socket dropped; a reconnect is under way. */
  disconnected: { code: number; reason: string };
  /** The connection is over for good: closed by us, ended by the server, or reconnecting failed. */
  closed: { reason: string };
};

interface Pending {
  resolve: (msg: ServerMessage) => void;
  reject: (err: Error) => void;
  timer: ReturnType<typeof setTimeout>;
}

const defaultReconnect: RetryPolicy = { maxAttempts: 10, baseDelayMs: 500, maxDelayMs: 8_000 };

/**
 * One signaling session over a websocket: hello (resuming the session after a drop), requests
 * correlated by id, and a bounded reconnect loop. 0.4.1 never sends a welcome and closes the socket
 * 2 s after it opens without a hello, so the hello goes out at once and the welcome (≥ 1.0) is only
 * noted when it arrives first.
 */
export class SignalingConnection extends Emitter<ConnectionEvents> {
  private transport: Transport | undefined;
  private info: SessionInfo | undefined;
  private resumeId = '';
  private welcome: { version: string; features: string[] } | undefined;
  private readonly pending = new Map<string, Pending>();
  private nextId = 1;
  private state: 'idle' | 'connecting' | 'open' | 'closed' = 'idle';
  private cancelWait: (() => void) | undefined;
  private readonly log: Log;
  private readonly timeoutMs: number;

  constructor(private readonly options: ConnectionOptions) {
    super();
    this.log = options.log ?? silentLog;
    this.timeoutMs = options.requestTimeoutMs ?? 10_000;
  }

  get session(): SessionInfo | undefined {
    return this.info;
  }

  get sessionId(): string {
    return this.info?.sessionId ?? '';
  }

  get isOpen(): boolean {
    return this.state === 'open';
  }

  /** Establishes the first session; rejects on a fatal hello error or when every attempt failed. */
  connect(): Promise<SessionInfo> {
    return this.establish();
  }

  /** Sends `{id, type, [type]: body}` and returns the id (errors about it come back with that id). */
  send(type: string, body: Record<string, unknown>): string {
    const id = String(this.nextId++);
    this.write({ id, type, [type]: body });
    return id;
  }

  /** Sends and awaits the answer with the same id; an `error` answer rejects with a SignalingError. */
  request(type: string, body: Record<string, unknown>, timeoutMs = this.timeoutMs): Promise<ServerMessage> {
    const id = this.send(type, body);
    return this.awaitAnswer(id, timeoutMs);
  }

  /** Says bye and closes; no reconnect follows. */
  async close(): Promise<void> {
    if (this.state === 'closed') return;
    const wasOpen = this.state === 'open';
    this.state = 'closed';
    this.cancelWait?.();
    if (wasOpen) {
      await this.awaitAnswer(this.send('bye', {}), 1_000).catch(() => undefined);
    }
    this.dropTransport();
    this.failPending(new SignalingError('closed', 'connection closed'));
    this.emit('closed', { reason: 'client' });
  }

  private write(message: Record<string, unknown>): void {
    if (!this.transport) throw new SignalingError('not_connected', 'the signaling connection is not open');
    this.transport.send(JSON.stringify(message));
  }

  private awaitAnswer(id: string, timeoutMs: number): Promise<ServerMessage> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new SignalingError('timeout', `no answer to request ${id} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(id, { resolve, reject, timer });
    });
  }

  private async establish(): Promise<SessionInfo> {
    for (let attempt = 1; ; attempt++) {
      if (this.state === 'closed') throw new SignalingError('closed', 'connection closed');
      this.state = 'connecting';
      try {
        return await this.attempt();
      } catch (err) {
        const error = err instanceof SignalingError ? err : new SignalingError('transport', String(err));
        this.dropTransport();
        if (fatalHelloErrors.has(error.code)) return this.giveUp(error.code, error);
        const delay = retryDelay(this.options.reconnect ?? defaultReconnect, attempt);
        if (delay === null) {
          const message = `no session after ${attempt} attempts: ${error.message}`;
          return this.giveUp('reconnect_failed', new SignalingError('reconnect_failed', message));
        }
        this.log.warn('signaling connect failed', { attempt, code: error.code, retryInMs: delay });
        await this.wait(delay);
      }
    }
  }

  private giveUp(reason: string, error: SignalingError): never {
    if (this.state !== 'closed') {
      this.state = 'closed';
      this.emit('closed', { reason });
    }
    throw error;
  }

  private async attempt(): Promise<SessionInfo> {
    const auth = this.resumeId ? undefined : await this.options.auth();
    this.welcome = undefined;
    await this.open();
    const hello = auth
      ? { version: '1.0', ...(this.options.features ? { features: this.options.features } : {}), auth }
      : { version: '1.0', resumeid: this.resumeId };
    let answer: ServerMessage;
    try {
      answer = await this.request('hello', hello);
    } catch (err) {
      if (err instanceof SignalingError && err.code === 'no_such_session') {
        // The old session expired on the server: start a new one (a new socket gets a new hello timer).
        this.log.info('signaling session expired, starting a new one');
        this.resumeId = '';
        this.dropTransport();
        return this.attempt();
      }
      throw err;
    }
    const h = answer.hello!;
    const resumed = !auth;
    const welcome = this.greeting();
    this.resumeId = h.resumeid || this.resumeId;
    this.info = {
      sessionId: h.sessionid,
      userId: h.userid ?? '',
      resumed,
      welcome: welcome !== undefined,
      serverVersion: h.server?.version ?? welcome?.version ?? '',
      serverFeatures: h.server?.features ?? welcome?.features ?? [],
    };
    this.state = 'open';
    this.log.info(resumed ? 'signaling session resumed' : 'signaling session started', {
      sessionId: h.sessionid,
      welcome: this.info.welcome,
    });
    this.emit('session', this.info);
    return this.info;
  }

  /** The welcome of the current socket, if the server sent one (set by `receive`). */
  private greeting(): { version: string; features: string[] } | undefined {
    return this.welcome;
  }

  private open(): Promise<void> {
    const factory = this.options.transport ?? webSocketTransport;
    return new Promise((resolve, reject) => {
      let opened = false;
      const transport = factory(this.options.url, {
        open: () => {
          opened = true;
          resolve();
        },
        message: (text) => this.receive(transport, text),
        close: (code, reason) => {
          if (!opened) reject(new SignalingError('transport', `websocket closed before opening (${code})`));
          this.transportClosed(transport, code, reason);
        },
      });
      this.transport = transport;
    });
  }

  private receive(transport: Transport, text: string): void {
    if (transport !== this.transport) return;
    let msg: ServerMessage;
    try {
      msg = JSON.parse(text) as ServerMessage;
    } catch {
      this.log.warn('signaling message is not JSON', { text: text.slice(0, 200) });
      return;
    }
    if (msg.type === 'welcome' && msg.welcome) {
      this.welcome = { version: msg.welcome.version, features: msg.welcome.features ?? [] };
      return;
    }
    const waiting = msg.id !== undefined ? this.pending.get(msg.id) : undefined;
    if (waiting && msg.id !== undefined) {
      this.pending.delete(msg.id);
      clearTimeout(waiting.timer);
      if (msg.type === 'error') waiting.reject(SignalingError.from(msg.error));
      else waiting.resolve(msg);
      return;
    }
    if (msg.type === 'bye') {
      // The server ended the session: nothing to resume.
      this.resumeId = '';
      this.endByServer(msg.bye?.reason || 'bye');
      return;
    }
    this.emit('message', msg);
  }

  private endByServer(reason: string): void {
    if (this.state === 'closed') return;
    this.state = 'closed';
    this.dropTransport();
    this.failPending(new SignalingError('closed', `the server ended the session (${reason})`));
    this.log.warn('signaling session ended by the server', { reason });
    this.emit('closed', { reason });
  }

  private transportClosed(transport: Transport, code: number, reason: string): void {
    if (transport !== this.transport) return;
    this.transport = undefined;
    this.failPending(new SignalingError('transport', `websocket closed (${code})`));
    if (this.state !== 'open') return;
    this.state = 'connecting';
    this.log.warn('signaling connection lost', { code, reason });
    this.emit('disconnected', { code, reason });
    this.establish().catch(() => undefined);
  }

  private dropTransport(): void {
    const transport = this.transport;
    this.transport = undefined;
    transport?.close();
  }

  private failPending(error: Error): void {
    for (const [id, waiting] of this.pending) {
      clearTimeout(waiting.timer);
      waiting.reject(error);
      this.pending.delete(id);
    }
  }

  private wait(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.cancelWait = done;
    });
  }
}
