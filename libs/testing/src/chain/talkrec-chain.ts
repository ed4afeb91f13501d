import path from 'node:path';
import {
  CaptureStarted,
  RecordingRequested,
  RecordingTransitioned,
  RecordingUploaded,
  SegmentCaptured,
  decode,
  parseEventSubject,
  subjects,
  type PayloadOf,
  type RecordingStateName,
} from '@talkrec/contracts';
import { HpbStack } from '../hpb-stack.js';
import { NatsTap, type TappedMessage } from '../clients/nats-tap.js';
import { freePort, removeDir, tempDir } from '../servers/process.js';
import { ServiceProcess, type TalkrecService } from '../servers/service-process.js';
import { DEFAULT_MEMBERS, type CallMember } from './synthetic-call.js';

export interface ChainOptions {
  /** Start Janus so calls carry media (default true); off for control-plane scenarios. */
  media?: boolean;
  /** Instances per service (default 1 each). */
  instances?: Partial<Record<TalkrecService, number>>;
  /** The controller's AUTO_RECORD (default `all`). */
  autoRecord?: string;
  /** Seconds a call may empty before it counts as ended (default 3: tests and the demo are short). */
  callGraceS?: number;
  segmentSeconds?: number;
  /** Where automatic recordings go: the stand-in's WebDAV (default) or the local folder. */
  uploadTarget?: 'webdav' | 'local';
  /** Extra environment per service (e.g. `VIDEO_WIDTH`). */
  env?: Partial<Record<TalkrecService, Record<string, string>>>;
  logLevel?: string;
}

/** The stand-in user whose files automatic recordings are uploaded into. */
export const RECORDER_USER = 'recorder';
/** The id of that WebDAV account in the uploader's config (and DEFAULT_UPLOAD_TARGET). */
export const RECORDER_ACCOUNT = 'nextcloud';

export interface RecordingEvents {
  requested?: PayloadOf<typeof RecordingRequested>;
  transitions: Array<PayloadOf<typeof RecordingTransitioned>>;
  uploaded?: PayloadOf<typeof RecordingUploaded>;
}

/**
 * The whole system as processes on one machine, for end-to-end tests, the demo, the fault runs and the
 * benchmarks: the HPB (nats-server, signaling 0.4.1, Janus, the Nextcloud stand-in) and the four built
 * services, wired the way an admin would configure them, with a tap on every talkrec subject.
 */
export class TalkrecChain {
  readonly services: Record<TalkrecService, ServiceProcess[]> = {
    controller: [],
    capture: [],
    encoder: [],
    uploader: [],
  };
  private displayBase = 200 + Math.floor(Math.random() * 200) * 10;

  private constructor(
    readonly hpb: HpbStack,
    readonly tap: NatsTap,
    readonly dir: string,
    readonly options: ChainOptions,
    readonly talkApiPort: number,
    readonly adminApiPort: number,
  ) {}

  static async start(options: ChainOptions = {}): Promise<TalkrecChain> {
    const hpb = await HpbStack.start({ janus: options.media !== false });
    hpb.nextcloud.directory.addUser(RECORDER_USER, 'Recorder');
    const tap = await NatsTap.start(hpb.nats.url, subjects.all);
    const chain = new TalkrecChain(
      hpb,
      tap,
      await tempDir('chain'),
      options,
      await freePort(),
      await freePort(),
    );
    hpb.nextcloud.talkRecording.serverUrl = chain.talkApiUrl;
    try {
      for (const service of ['controller', 'encoder', 'uploader', 'capture'] as const) {
        for (let i = 0; i < (options.instances?.[service] ?? 1); i++) await chain.addInstance(service);
      }
    } catch (err) {
      await chain.stop();
      throw err;
    }
    return chain;
  }

  get nextcloud() {
    return this.hpb.nextcloud;
  }

  get natsUrl(): string {
    return this.hpb.nats.url;
  }

  get talkApiUrl(): string {
    return `http://127.0.0.1:${this.talkApiPort}`;
  }

  get adminApiUrl(): string {
    return `http://127.0.0.1:${this.adminApiPort}`;
  }

  get localRecordingsDir(): string {
    return path.join(this.dir, 'recordings');
  }

  /** The environment an instance of `service` runs with (the first controller owns the API ports). */
  envFor(service: TalkrecService, instance: number): Record<string, string> {
    const nc = this.hpb.nextcloud;
    const recorder = nc.directory.users.get(RECORDER_USER)!;
    const common: Record<string, string> = {
      NATS_URL: this.natsUrl,
      LOG_LEVEL: this.options.logLevel ?? 'info',
      INSTANCE_ID: `${service}-${instance}`,
      NEXTCLOUD_URL: nc.url,
      NEXTCLOUD_BACKEND_ID: this.hpb.backendId,
      TALK_RECORDING_SECRET: nc.recordingSecret,
      SIGNALING_URL: this.hpb.signaling.url,
      SIGNALING_INTERNAL_SECRET: this.hpb.internalSecret,
      WORK_DIR: path.join(this.dir, `work-${service}-${instance}`),
    };
    const perService: Record<TalkrecService, Record<string, string>> = {
      controller: {
        AUTO_RECORD: this.options.autoRecord ?? 'all',
        CALL_GRACE_S: String(this.options.callGraceS ?? 3),
        SEGMENT_SECONDS: String(this.options.segmentSeconds ?? 10),
        TALK_API_LISTEN: `127.0.0.1:${instance === 0 ? this.talkApiPort : 0}`,
        ADMIN_API_LISTEN: instance === 0 ? `127.0.0.1:${this.adminApiPort}` : 'off',
        DEFAULT_UPLOAD_TARGET: this.options.uploadTarget === 'local' ? 'local' : RECORDER_ACCOUNT,
      },
      capture: {
        CAPTURE_SLOTS: '2',
        DISPLAY_BASE: String((this.displayBase += 10)),
        MIN_FREE_DISK_MB: '100',
      },
      encoder: {},
      uploader: {
        LOCAL_RECORDINGS_DIR: this.localRecordingsDir,
        WEBDAV_ACCOUNTS: JSON.stringify([
          {
            id: RECORDER_ACCOUNT,
            url: `${nc.url}/remote.php/dav/files/${RECORDER_USER}`,
            username: RECORDER_USER,
            password: recorder.appPassword,
            nextcloud: true,
          },
        ]),
      },
    };
    return { ...common, ...perService[service], ...(this.options.env?.[service] ?? {}) };
  }

  async addInstance(service: TalkrecService): Promise<ServiceProcess> {
    const instance = this.services[service].length;
    const proc = await ServiceProcess.start(service, this.envFor(service, instance));
    this.services[service].push(proc);
    return proc;
  }

  /** Replaces a (killed or stopped) instance with a fresh process of the same configuration. */
  async restart(service: TalkrecService, instance = 0): Promise<ServiceProcess> {
    const old = this.services[service][instance]!;
    await old.cleanup();
    const fresh = await ServiceProcess.start(service, this.envFor(service, instance));
    this.services[service][instance] = fresh;
    return fresh;
  }

  /**
   * A conversation of `members` that the recording account belongs to too, as an admin sets it up so
   * that finished recordings can be shared into it.
   */
  addRoom(token: string, members: readonly CallMember[] = DEFAULT_MEMBERS): void {
    const directory = this.hpb.nextcloud.directory;
    for (const m of members) if (!directory.users.has(m.userId)) directory.addUser(m.userId, m.displayName);
    directory.addRoom(token, [...members.map((m) => m.userId), RECORDER_USER]);
  }

  /** Every event of every recording seen so far, grouped by recording id. */
  recordings(): Map<string, RecordingEvents> {
    const out = new Map<string, RecordingEvents>();
    for (const m of this.tap.messages) this.fold(out, m);
    return out;
  }

  private fold(out: Map<string, RecordingEvents>, m: TappedMessage): void {
    const parsed = parseEventSubject(m.subject);
    if (!parsed) return;
    const entry = out.get(parsed.recordingId) ?? { transitions: [] };
    out.set(parsed.recordingId, entry);
    if (parsed.name === RecordingRequested.name) {
      const d = decode(RecordingRequested, m.data);
      if (d.ok) entry.requested = d.value;
    } else if (parsed.name === RecordingTransitioned.name) {
      const d = decode(RecordingTransitioned, m.data);
      if (d.ok) entry.transitions.push(d.value);
    } else if (parsed.name === RecordingUploaded.name) {
      const d = decode(RecordingUploaded, m.data);
      if (d.ok) entry.uploaded = d.value;
    }
  }

  /** The id of the first recording requested for a room. */
  async recordingRequested(roomToken: string, timeoutMs = 30_000): Promise<string> {
    const m = await this.tap.waitFor((t) => {
      if (parseEventSubject(t.subject)?.name !== RecordingRequested.name) return false;
      const d = decode(RecordingRequested, t.data);
      return d.ok && d.value.spec.room.token === roomToken;
    }, timeoutMs);
    return parseEventSubject(m.subject)!.recordingId;
  }

  /** Resolves when the recording enters `state`; rejects early if it fails instead. */
  async reached(
    recordingId: string,
    state: RecordingStateName,
    timeoutMs = 120_000,
  ): Promise<PayloadOf<typeof RecordingTransitioned>> {
    const m = await this.tap.waitFor((t) => {
      if (parseEventSubject(t.subject)?.recordingId !== recordingId) return false;
      const d = decode(RecordingTransitioned, t.data);
      return d.ok && (d.value.to === state || (d.value.to === 'failed' && state !== 'failed'));
    }, timeoutMs);
    const d = decode(RecordingTransitioned, m.data);
    if (!d.ok) throw d.error;
    if (d.value.to !== state) {
      throw new Error(
        `recording ${recordingId} failed instead of reaching ${state}: ${JSON.stringify(d.value.failure)}`,
      );
    }
    return d.value;
  }

  /** Resolves when the capture has stored segment `index` (or a later one) of the recording. */
  async segmentCaptured(
    recordingId: string,
    index: number,
    timeoutMs = 120_000,
  ): Promise<PayloadOf<typeof SegmentCaptured>> {
    const m = await this.tap.waitFor((t) => {
      const parsed = parseEventSubject(t.subject);
      if (parsed?.recordingId !== recordingId || parsed.name !== SegmentCaptured.name) return false;
      const d = decode(SegmentCaptured, t.data);
      return d.ok && d.value.index >= index;
    }, timeoutMs);
    const d = decode(SegmentCaptured, m.data);
    if (!d.ok) throw d.error;
    return d.value;
  }

  /** The capture instance (index in `services.capture`) that started the recording's capture. */
  async captureInstanceOf(recordingId: string, timeoutMs = 60_000): Promise<number> {
    const m = await this.tap.waitFor((t) => {
      const parsed = parseEventSubject(t.subject);
      return parsed?.recordingId === recordingId && parsed.name === CaptureStarted.name;
    }, timeoutMs);
    const started = decode(CaptureStarted, m.data);
    if (!started.ok) throw started.error;
    // Instances are named `<service>-<index>` (envFor).
    return Number(started.value.instanceId.split('-').pop());
  }

  /** The segments the capture has stored for the recording so far, once each (by index). */
  segments(recordingId: string): Array<PayloadOf<typeof SegmentCaptured>> {
    const byIndex = new Map<number, PayloadOf<typeof SegmentCaptured>>();
    for (const m of this.tap.messages) {
      const parsed = parseEventSubject(m.subject);
      if (parsed?.recordingId !== recordingId || parsed.name !== SegmentCaptured.name) continue;
      const d = decode(SegmentCaptured, m.data);
      if (d.ok) byIndex.set(d.value.index, d.value);
    }
    return [...byIndex.values()].sort((x, y) => x.index - y.index);
  }

  /** The highest segment index the capture has stored for the recording so far (-1: none). */
  lastSegmentIndex(recordingId: string): number {
    return this.segments(recordingId).at(-1)?.index ?? -1;
  }

  /** Where an uploaded recording's file is on the stand-in's disk (webdav target). */
  deliveredPath(uploaded: PayloadOf<typeof RecordingUploaded>): string {
    return this.hpb.nextcloud.webdav.files.diskPath(RECORDER_USER, uploaded.location);
  }

  async stop(): Promise<void> {
    for (const service of ['capture', 'controller', 'encoder', 'uploader'] as const) {
      for (const proc of this.services[service]) await proc.cleanup().catch(() => undefined);
    }
    await this.tap.stop().catch(() => undefined);
    await this.hpb.stop();
    await removeDir(this.dir);
  }
}
