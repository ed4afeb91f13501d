import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { KV } from 'nats';
import { inject, injectable } from 'tsyringe';
import type { CaptureJob } from '@talkrec/contracts';
import {
  TOKENS,
  retryLater,
  type Clock,
  type Publisher,
  type JobContext,
  type Logger,
  type Outcome,
  type StopMode,
} from '@talkrec/platform';
import type { CaptureConfig } from '../config.js';
import { CAPTURE_TOKENS } from '../tokens.js';
import { hasDiskRoom } from '../core/admission.js';
import { SlotPool } from '../core/slots.js';
import { Chromium } from '../adapters/chromium/chromium.js';
import { freeBytes } from '../adapters/disk/disk.js';
import { FfmpegGrabber } from '../adapters/ffmpeg/ffmpeg-grab.js';
import { SegmentStore } from '../adapters/media/segment-store.js';
import { PageServer } from '../adapters/page-server/page-server.js';
import { ProcessSupervisor } from '../adapters/process/supervisor.js';
import { PulseAudio } from '../adapters/pulse/pulse-audio.js';
import { SignalingTargets } from '../adapters/talk/signaling-targets.js';
import { Xvfb } from '../adapters/xvfb/xvfb.js';
import { CaptureSession } from './capture-session.js';
import { RecordingRun, type RunTools } from './recording-run.js';

/** Size of the first standby browser, before any recording told the instance what sizes it records. */
const FIRST_STANDBY_SIZE = { width: 1280, height: 720 };

/**
 * The instance: its slots, the shared helpers (PulseAudio daemon, page server, process supervisor),
 * the recordings running now and the standby sessions of free slots. On stop it hands every recording
 * over before the helpers go.
 */
@injectable()
export class CaptureService {
  private readonly slots: SlotPool;
  private readonly running = new Map<RecordingRun, Promise<Outcome>>();
  private readonly standby = new Map<number, CaptureSession>();
  private standbySize = FIRST_STANDBY_SIZE;
  private readonly tools: RunTools;
  private stopMode: StopMode | undefined;

  constructor(
    @inject(CAPTURE_TOKENS.Config) private readonly config: CaptureConfig,
    @inject(TOKENS.Logger) private readonly log: Logger,
    @inject(TOKENS.Clock) clock: Clock,
    @inject(TOKENS.Publisher) publisher: Publisher,
    @inject(CAPTURE_TOKENS.RecordingsKv) recordings: KV,
    @inject(CAPTURE_TOKENS.LeasesKv) leases: KV,
    @inject(ProcessSupervisor) private readonly procs: ProcessSupervisor,
    @inject(PulseAudio) private readonly pulse: PulseAudio,
    @inject(PageServer) private readonly pages: PageServer,
    @inject(Xvfb) xvfb: Xvfb,
    @inject(Chromium) chromium: Chromium,
    @inject(FfmpegGrabber) grabber: FfmpegGrabber,
    @inject(SegmentStore) segments: SegmentStore,
    @inject(SignalingTargets) targets: SignalingTargets,
  ) {
    this.slots = new SlotPool(config.CAPTURE_SLOTS);
    this.tools = {
      config,
      clock,
      publisher,
      recordings,
      leases,
      xvfb,
      pulse,
      chromium,
      pages,
      grabber,
      segments,
      targets,
      sessionsDir: path.join(procs.ownerDir, 'sessions'),
      displayBase: config.DISPLAY_BASE,
    };
  }

  /**
   * Sweeps leftovers of earlier runs, opens the page server and starts PulseAudio ahead of the first
   * recording (a takeover must be quick). A PulseAudio that cannot start now is retried per recording.
   */
  async start(): Promise<void> {
    await mkdir(this.config.WORK_DIR, { recursive: true });
    await this.procs.init();
    await this.pages.listen();
    await this.pulse.start().catch((err: unknown) => this.log.warn({ err }, 'pulseaudio not started yet'));
    this.refillStandby();
  }

  private diskLow = false;

  /** Admission: no new recording while stopping or when the work disk is nearly full. */
  canAccept(): boolean {
    if (this.stopMode) return false;
    let room: boolean;
    let free = -1;
    try {
      free = freeBytes(this.config.WORK_DIR);
      room = hasDiskRoom(free, this.config.MIN_FREE_DISK_MB);
    } catch (err) {
      this.log.warn({ err }, 'free disk space unknown');
      room = false;
    }
    // Said once when it changes: admission is re-checked every few seconds.
    if (room === this.diskLow) {
      this.diskLow = !room;
      const state = {
        workDir: this.config.WORK_DIR,
        freeMb: Math.floor(free / 2 ** 20),
        minFreeMb: this.config.MIN_FREE_DISK_MB,
      };
      if (room) this.log.info(state, 'work disk has room again: taking recordings');
      else this.log.warn(state, 'work disk nearly full: not taking new recordings');
    }
    return room;
  }

  async run(job: CaptureJob, ctx: JobContext): Promise<Outcome> {
    if (this.stopMode) return retryLater(0, 'this capture instance is stopping');
    const slot = this.slots.acquire(this.standby.keys());
    if (slot === undefined) return retryLater(1_000, 'no free capture slot');
    const size = { width: job.spec.video.width, height: job.spec.video.height };
    this.standbySize = size;
    let session = this.standby.get(slot);
    this.standby.delete(slot);
    if (!session?.idle || session.size.width !== size.width || session.size.height !== size.height) {
      void session?.close(true);
      session = new CaptureSession(this.tools, slot, size, this.log.child({ slot }));
    }
    const run = new RecordingRun(this.tools, job, ctx, session);
    const outcome = run.execute();
    this.running.set(run, outcome);
    try {
      return await outcome;
    } finally {
      this.running.delete(run);
      // A session the run never showed a page in (skipped, handed back early) stays ready.
      if (session.idle && !this.stopMode) this.standby.set(slot, session);
      else await session.close(true);
      this.slots.release(slot);
      this.refillStandby();
    }
  }

  /** Prepares sessions for free slots, up to CAPTURE_STANDBY; one that fails or dies is dropped. */
  private refillStandby(): void {
    for (let slot = 0; slot < this.config.CAPTURE_SLOTS; slot++) {
      if (this.stopMode || this.standby.size >= this.config.CAPTURE_STANDBY) return;
      if (!this.slots.isFree(slot) || this.standby.has(slot)) continue;
      const session = new CaptureSession(
        this.tools,
        slot,
        this.standbySize,
        this.log.child({ slot, standby: true }),
      );
      this.standby.set(slot, session);
      const drop = (reason: unknown) => {
        if (this.standby.get(slot) !== session) return;
        this.standby.delete(slot);
        this.log.warn({ err: reason, slot }, 'standby session dropped');
        void session.close(true);
      };
      session.prepare().then(() => void session.browserLost.then(drop), drop);
    }
  }

  /** Hands every running recording over (`stop`: without closing browsers gracefully), then closes the helpers. */
  async stop(mode: StopMode): Promise<void> {
    this.stopMode ??= mode;
    for (const run of this.running.keys()) run.handOver(mode === 'stop');
    await Promise.allSettled([...this.running.values()]);
    await Promise.allSettled([...this.standby.values()].map((s) => s.close(true)));
    this.standby.clear();
    await this.pages.close();
    await this.pulse.close();
  }
}
