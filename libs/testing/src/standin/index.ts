import { BotStandIn } from './bot.js';
import type { Violation } from './checksum.js';
import { Directory } from './directory.js';
import { HpbNotifier } from './hpb-notifier.js';
import { StandInHttp } from './http.js';
import { SignalingBackend } from './signaling-backend.js';
import { SignalingSettingsStandIn } from './signaling-settings.js';
import { SharesStandIn } from './shares.js';
import { TalkUploadStandIn } from './talk-upload.js';
import { TalkRecordingStandIn } from './talk-recording.js';
import { WebdavStandIn } from './webdav.js';

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
  /** WebDAV files + chunked uploads, link/room shares, Talk's request-upload/store (the uploader's side). */
  readonly webdav = new WebdavStandIn(this);
  readonly shares = new SharesStandIn(this);
  readonly talkUpload = new TalkUploadStandIn(this);
  /** Talk's recording-server protocol: start/stop requests and the status callbacks (the controller's side). */
  readonly talkRecording = new TalkRecordingStandIn(this);
  /** Talk's bot API (messages a bot posts into conversations). */
  readonly bot = new BotStandIn(this);
  /** Talk's signaling settings for a recording server (HPB URL, STUN/TURN), signed with the recording secret. */
  readonly signalingSettings = new SignalingSettingsStandIn(this);

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
    await this.webdav.files.dispose();
  }
}

export type { Violation } from './checksum.js';
export type { Fault, RecordedRequest } from './http.js';
