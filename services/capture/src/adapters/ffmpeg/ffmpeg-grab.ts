import { watch, type FSWatcher } from 'node:fs';
import { access, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { inject, injectable } from 'tsyringe';
import type { Logger } from '@talkrec/platform';
import type { CaptureConfig } from '../../config.js';
import { CAPTURE_TOKENS } from '../../tokens.js';
import { buildGrabArgs, segmentFileName, SEGMENT_LIST_FILE, type GrabPlan } from '../../core/ffmpeg-args.js';
import { ProgressParser, type GrabProgress } from '../../core/progress.js';
import { parseSegmentList, type SegmentListEntry } from '../../core/segment-list.js';
import { ProcessSupervisor, type ExitInfo, type Supervised } from '../process/supervisor.js';

/** SIGTERM makes ffmpeg finish the open segment; it has this long before it is killed. */
const STOP_GRACE_MS = 15_000;
const KEPT_ERROR_LINES = 5;

export interface ClosedSegment extends SegmentListEntry {
  /** Absolute path of the finished file. */
  path: string;
  bytes: number;
}

export interface GrabEvents {
  onProgress: (progress: GrabProgress) => void;
  /** Each finished segment, in index order, exactly once. */
  onSegment: (segment: ClosedSegment) => void;
}

/** One running ffmpeg grab. */
export class GrabProcess {
  /** Resolves after ffmpeg exited and every finished segment was reported. */
  readonly done: Promise<ExitInfo>;
  private stopRequested = false;
  private reported: number;
  private scanning = Promise.resolve();

  constructor(
    private readonly proc: Supervised,
    private readonly dir: string,
    startIndex: number,
    private readonly events: GrabEvents,
    watcher: FSWatcher,
    private readonly errors: string[],
  ) {
    this.reported = startIndex - 1;
    watcher.on('change', () => this.rescan(false));
    watcher.on('error', () => undefined);
    this.done = proc.exited.then(async (exit) => {
      watcher.close();
      this.rescan(true);
      await this.scanning;
      return exit;
    });
  }

  get pid(): number {
    return this.proc.pid;
  }

  get alive(): boolean {
    return this.proc.alive;
  }

  /** True once `stop()` was called: an exit after that is the expected one. */
  get stopping(): boolean {
    return this.stopRequested;
  }

  /** The last lines ffmpeg logged at warning level or above. */
  get lastErrors(): string[] {
    return [...this.errors];
  }

  /** Finishes the open segment (SIGTERM, exit 255) and waits until every segment is reported. */
  async stop(): Promise<ExitInfo> {
    this.stopRequested = true;
    await this.proc.stop('SIGTERM', STOP_GRACE_MS);
    return this.done;
  }

  kill(): Promise<ExitInfo> {
    this.stopRequested = true;
    return this.proc.kill();
  }

  /**
   * A list line appears when the muxer ends a segment, possibly before the file is flushed and
   * closed; the file is complete once the next one exists (the muxer opens it after closing this one)
   * or once ffmpeg has exited.
   */
  private rescan(exited: boolean): void {
    this.scanning = this.scanning.then(async () => {
      const text = await readFile(path.join(this.dir, SEGMENT_LIST_FILE), 'utf8').catch(() => '');
      for (const entry of parseSegmentList(text)) {
        if (entry.index <= this.reported) continue;
        const file = path.join(this.dir, entry.file);
        const next = path.join(this.dir, segmentFileName(entry.index + 1));
        if (!exited && !(await exists(next))) return;
        const bytes = await stat(file).then(
          (s) => s.size,
          () => 0,
        );
        this.reported = entry.index;
        this.events.onSegment({ ...entry, path: file, bytes });
      }
    });
  }
}

const exists = (file: string) =>
  access(file).then(
    () => true,
    () => false,
  );

/** Starts ffmpeg grabs (one per recording) and follows their progress and segments. */
@injectable()
export class FfmpegGrabber {
  constructor(
    @inject(CAPTURE_TOKENS.Config) private readonly config: CaptureConfig,
    @inject(ProcessSupervisor) private readonly procs: ProcessSupervisor,
  ) {}

  start(plan: GrabPlan, pulseServer: string, events: GrabEvents, log: Logger): GrabProcess {
    const parser = new ProgressParser();
    const errors: string[] = [];
    const watcher = watch(plan.dir);
    const proc = this.procs.spawn('ffmpeg', this.config.FFMPEG_PATH, buildGrabArgs(plan), {
      env: { PATH: process.env.PATH, PULSE_SERVER: pulseServer },
      onStdout: (line) => {
        for (const block of parser.push(`${line}\n`)) events.onProgress(block);
      },
      onStderr: (line) => {
        // Warnings such as x11grab's rate estimate or pulse's guessed channel layout are expected.
        if (/\[(warning|info|verbose|debug)\]/.test(line)) {
          log.debug({ line }, 'ffmpeg output');
          return;
        }
        errors.push(line);
        if (errors.length > KEPT_ERROR_LINES) errors.shift();
        log.warn({ line }, 'ffmpeg error');
      },
    });
    return new GrabProcess(proc, plan.dir, plan.startIndex, events, watcher, errors);
  }
}
