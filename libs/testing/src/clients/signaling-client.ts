import { createHmac, randomBytes } from 'node:crypto';
import WebSocket from 'ws';

/** A signaling message as the server sends it (loosely typed: tests look at what they need). */
export interface SignalingMessage {
  id?: string;
  type: string;
  [k: string]: unknown;
}

/**
 * A websocket client of the signaling server for tests: a normal user (backend auth with a ticket) or
 * an internal client (HMAC of a random with the internal secret). Every message received is kept, and
 * `waitFor` awaits a matching one.
 */
export class SignalingClient {
  readonly received: SignalingMessage[] = [];
  sessionId = '';
  private nextId = 1;
  private waiters: Array<{
    match: (m: SignalingMessage) => boolean;
    resolve: (m: SignalingMessage) => void;
  }> = [];

  private constructor(private readonly ws: WebSocket) {
    ws.on('message', (data: Buffer) => {
      const msg = JSON.parse(data.toString('utf8')) as SignalingMessage;
      this.received.push(msg);
      this.waiters = this.waiters.filter((w) => {
        if (!w.match(msg)) return true;
        w.resolve(msg);
        return false;
      });
    });
  }

  static async connect(websocketUrl: string): Promise<SignalingClient> {
    const ws = new WebSocket(websocketUrl);
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    return new SignalingClient(ws);
  }

  send(type: string, body: Record<string, unknown>): string {
    const id = String(this.nextId++);
    this.ws.send(JSON.stringify({ id, type, [type]: body }));
    return id;
  }

  /** Sends and awaits the answer with the same id. */
  async request(type: string, body: Record<string, unknown>, timeoutMs = 10_000): Promise<SignalingMessage> {
    const id = this.send(type, body);
    return this.waitFor((m) => m.id === id, timeoutMs);
  }

  waitFor(match: (m: SignalingMessage) => boolean, timeoutMs = 10_000): Promise<SignalingMessage> {
    const seen = this.received.find(match);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`no matching signaling message within ${timeoutMs} ms`)),
        timeoutMs,
      );
      this.waiters.push({
        match,
        resolve: (m) => {
          clearTimeout(timer);
          resolve(m);
        },
      });
    });
  }

  /** Hello as a Nextcloud user (the signaling server asks Nextcloud to check the ticket). */
  async helloUser(nextcloudUrl: string, userId: string, ticket: string): Promise<SignalingMessage> {
    const answer = await this.request('hello', {
      version: '1.0',
      auth: {
        url: `${nextcloudUrl}/ocs/v2.php/apps/spreed/api/v1/signaling/backend`,
        params: { userid: userId, ticket },
      },
    });
    this.sessionId = String((answer.hello as { sessionid?: string } | undefined)?.sessionid ?? '');
    return answer;
  }

  /** Hello as an internal client: token = hex HMAC-SHA256(internal secret, random), random ≥ 32 chars. */
  async helloInternal(
    backendUrl: string,
    internalSecret: string,
    random = randomBytes(32).toString('hex'),
  ): Promise<SignalingMessage> {
    const token = createHmac('sha256', internalSecret).update(random).digest('hex');
    const answer = await this.request('hello', {
      version: '1.0',
      auth: { type: 'internal', params: { random, token, backend: backendUrl } },
    });
    this.sessionId = String((answer.hello as { sessionid?: string } | undefined)?.sessionid ?? '');
    return answer;
  }

  /** Joins a room; users pass their Nextcloud session id (it maps their incall entries). */
  joinRoom(roomId: string, nextcloudSessionId?: string): Promise<SignalingMessage> {
    return this.request('room', {
      roomid: roomId,
      ...(nextcloudSessionId ? { sessionid: nextcloudSessionId } : {}),
    });
  }

  async close(): Promise<void> {
    if (this.ws.readyState === WebSocket.CLOSED) return;
    await new Promise<void>((resolve) => {
      this.ws.once('close', () => resolve());
      this.ws.close();
    });
  }
}
