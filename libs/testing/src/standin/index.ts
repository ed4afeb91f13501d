import type { Violation } from './checksum.js';
import { Directory } from './directory.js';
import { HpbNotifier } from './hpb-notifier.js';
import { StandInHttp } from './http.js';
import { SignalingBackend } from './signaling-backend.js';

export interface StandInOptions {
  /** Shared secret between Nextcloud and the signaling server (`[nextcloud] secret`). */
  backendSecret?: string;
  /** Talk's recording secret (shared with the recording server, i.e. talkrec's controller). */
  recordingSecret?: string;
  /** Listen on this port (to come back on the same URL after a simulated outage). */
  port?: number;
}

/**
 * The one Nextcloud stand-in: the only fake in talkrec's tests, because Nextcloud cannot run here.
 * Each protocol area lives in its own module and checks requests the way Nextcloud/Talk does; every
 * deviation is recorded in `violations`, and every request in `http.requests`.
 */
export class NextcloudStandIn {
  readonly http = new StandInHttp();
  readonly directory = new Directory();
  readonly violations: Violation[] = [];
  readonly backendSecret: string;
  readonly recordingSecret: string;
  readonly signalingBackend: SignalingBackend;
  readonly hpb: HpbNotifier;

  constructor(readonly options: StandInOptions = {}) {
    this.backendSecret = options.backendSecret ?? 'test-backend-secret';
    this.recordingSecret = options.recordingSecret ?? 'test-recording-secret-0123456789';
    this.signalingBackend = new SignalingBackend(this.directory, this.backendSecret, this.violations);
    this.signalingBackend.register(this.http);
    this.hpb = new HpbNotifier(
      this.directory,
      this.signalingBackend,
      this.backendSecret,
      () => `${this.url}/`,
    );
  }

  /** Nextcloud's base URL, without a trailing slash. */
  get url(): string {
    return `http://127.0.0.1:${this.http.port}`;
  }

  async start(): Promise<this> {
    await this.http.listen(this.options.port ?? 0);
    return this;
  }

  /** Simulates Nextcloud going away (connection refused) … */
  async goDown(): Promise<void> {
    await this.http.close();
  }

  /** … and coming back on the same address. */
  async comeBack(): Promise<void> {
    await this.http.listen(this.http.port);
  }

  async stop(): Promise<void> {
    await this.http.close();
  }
}

export type { Violation } from './checksum.js';
export type { Fault, RecordedRequest } from './http.js';
