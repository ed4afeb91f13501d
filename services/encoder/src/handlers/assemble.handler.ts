import { inject, injectable } from 'tsyringe';
import { CONTAINER_FILES, RecordingEncoded, mediaObjects, type AssembleJob } from '@talkrec/contracts';
import { TOKENS, done, type Clock, type JobContext, type Outcome, type Publisher } from '@talkrec/platform';
import { EncodedObjects, fileDigest } from '../adapters/media/encoded-objects.js';
import { ScratchSpace } from '../adapters/scratch/scratch-space.js';
import { planAssembly } from '../core/assembly-plan.js';
import { FinalMeta, jobKey, parseMeta } from '../core/part-meta.js';
import { Assembler } from '../work/assembler.js';
import { EncodeError } from '../work/encode-error.js';
import { PartDownloader } from '../work/part-downloader.js';
import { failureOutcome, heartbeat } from './outcomes.js';

/** Joins every encoded part into the delivered file, verifies it, stores it and announces it. */
@injectable()
export class AssembleHandler {
  constructor(
    @inject(TOKENS.Publisher) private readonly publisher: Publisher,
    @inject(TOKENS.Clock) private readonly clock: Clock,
    @inject(EncodedObjects) private readonly objects: EncodedObjects,
    @inject(ScratchSpace) private readonly scratch: ScratchSpace,
    @inject(PartDownloader) private readonly parts: PartDownloader,
    @inject(Assembler) private readonly assembler: Assembler,
  ) {}

  async handle(job: AssembleJob, ctx: JobContext): Promise<Outcome> {
    const { recordingId, output } = job;
    const finalName = mediaObjects.final(recordingId, CONTAINER_FILES[output.container].ext);
    const key = jobKey(job);
    const existing = await this.objects.describe(finalName);
    const stored = parseMeta(FinalMeta, existing?.description);
    if (stored && stored.key === key && stored.sha256 === existing?.sha256) {
      ctx.log.info('recording already assembled, announcing again');
      await this.announce(job, finalName, stored);
      return done();
    }
    const run = { signal: ctx.signal, onProgress: heartbeat(ctx) };
    try {
      return await this.scratch.withDir(`${recordingId}-final`, async (dir) => {
        // Where an assembly's time goes, in the log: it is what an admin waits for after the call.
        const phaseMs: Record<string, number> = {};
        let phaseStart = this.clock.now();
        const phase = (name: string) => {
          const now = this.clock.now();
          phaseMs[name] = now - phaseStart;
          phaseStart = now;
        };
        const { parts, files } = await this.parts.download(job, dir, run.onProgress);
        phase('download');
        const plan = planAssembly(job, parts);
        for (const warning of plan.warnings) ctx.log.warn({ warning }, 'part seam');
        const { file, probe } = await this.assembler.assemble(job, plan, files, dir, run);
        phase('mux');
        let posterObject: string | undefined;
        if (job.poster && probe.video) {
          posterObject = mediaObjects.poster(recordingId);
          await this.objects.put(posterObject, await this.assembler.poster(file, probe.durationS, dir, run), {
            key,
          });
          phase('poster');
        }
        const v = probe.video;
        const video = v && { codec: v.codec, width: v.width, height: v.height, fps: v.fps };
        const result: FinalMeta = {
          key,
          ...(await fileDigest(file)),
          durationMs: Math.round(probe.durationS * 1000),
          ...(video ? { video } : {}),
          ...(probe.audio ? { audio: probe.audio } : {}),
          gapMs: job.parts.reduce((sum, p) => sum + p.gapBeforeMs, 0),
          ...(posterObject ? { posterObject } : {}),
        };
        phase('digest');
        const put = await this.objects.put(finalName, file, result);
        if (put.sha256 !== result.sha256) {
          throw new EncodeError('final_changed', `${finalName} changed while being stored`, true);
        }
        phase('store');
        ctx.log.info(
          { durationMs: result.durationMs, bytes: result.bytes, parts: parts.length, phaseMs },
          'recording assembled',
        );
        await this.announce(job, finalName, result);
        return done();
      });
    } catch (err) {
      return failureOutcome(err, `recording ${recordingId}`, ctx);
    }
  }

  private announce(job: AssembleJob, object: string, meta: FinalMeta) {
    const files = CONTAINER_FILES[job.output.container];
    return this.publisher.event(
      RecordingEncoded,
      {
        v: 1,
        recordingId: job.recordingId,
        at: new Date(this.clock.now()).toISOString(),
        object,
        fileName: job.fileName,
        container: job.output.container,
        mime: job.output.kind === 'audio' ? (files.audioMime ?? files.mime) : files.mime,
        bytes: meta.bytes,
        sha256: meta.sha256,
        durationMs: meta.durationMs,
        ...(meta.video ? { video: meta.video } : {}),
        ...(meta.audio ? { audio: meta.audio } : {}),
        gapMs: meta.gapMs,
        ...(meta.posterObject ? { posterObject: meta.posterObject } : {}),
      },
      `encoded-final-${job.recordingId}`,
    );
  }
}
