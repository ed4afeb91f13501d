import { connect, type NatsConnection, type Subscription } from 'nats';

export interface TappedMessage {
  subject: string;
  data: Uint8Array;
  /** The body parsed as JSON, or undefined when it is not JSON. */
  json: unknown;
  at: number;
}

/** Subscribes to a subject filter on a NATS server and keeps what it sees; `waitFor` awaits a match. */
export class NatsTap {
  readonly messages: TappedMessage[] = [];
  private waiters: Array<{ match: (m: TappedMessage) => boolean; resolve: (m: TappedMessage) => void }> = [];
  private readonly listeners = new Set<(m: TappedMessage) => void>();

  private constructor(
    private readonly nc: NatsConnection,
    private readonly sub: Subscription,
  ) {
    void (async () => {
      for await (const m of sub) {
        let json: unknown;
        try {
          json = JSON.parse(new TextDecoder().decode(m.data));
        } catch {
          json = undefined;
        }
        const tapped = { subject: m.subject, data: m.data, json, at: Date.now() };
        this.messages.push(tapped);
        for (const listener of this.listeners) listener(tapped);
        this.waiters = this.waiters.filter((w) => {
          if (!w.match(tapped)) return true;
          w.resolve(tapped);
          return false;
        });
      }
    })();
  }

  static async start(url: string, filter: string): Promise<NatsTap> {
    const nc = await connect({ servers: url, name: 'talkrec-test-tap' });
    const sub = nc.subscribe(filter);
    await nc.flush();
    return new NatsTap(nc, sub);
  }

  /** Calls `listener` with every message from now on; returns the function that stops it. */
  onMessage(listener: (m: TappedMessage) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  waitFor(match: (m: TappedMessage) => boolean, timeoutMs = 10_000): Promise<TappedMessage> {
    const seen = this.messages.find(match);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`no matching NATS message within ${timeoutMs} ms`)),
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

  async stop(): Promise<void> {
    this.sub.unsubscribe();
    await this.nc.close();
  }
}
