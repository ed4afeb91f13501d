import { inject, injectable } from 'tsyringe';
import { SegmentEncoded, type EncodeSegmentJob } from '@talkrec/contracts';
import { TOKENS, done, type Clock, type JobContext, type Outcome, type Publisher } from '@talkrec/platform';
import { EncodedObjects } from '../adapters/media/encoded-objects.js';
import { ScratchSpace } from '../adapters/scratch/scratch-space.js';
import {
  PartMeta,
  jobKey,
  parseMeta,
  partDurationMs,
  partObjects,
  primaryObject,
  type PartObjects,
} from '../core/part-meta.js';
import { planPart } from '../core/part-plan.js';
import { PartEncoder } from '../work/part-encoder.js';
import { SegmentReader } from '../work/segment-reader.js';
import { failureOutcome, heartbeat } from './outcomes.js';

/** Transcodes one captured segment into its part (video and audio objects) and announces it. */
@injectable()
export class EncodeSegmentHandler {
  constructor(
    @inject(TOKENS.Publisher) private readonly publisher: Publisher,
    @inject(TOKENS.Clock) private readonly clock: Clock,
    @inject(EncodedObjects) private readonly objects: EncodedObjects,
    @inject(ScratchSpace) private readonly scratch: ScratchSpace,
    @inject(SegmentReader) private readonly reader: SegmentReader,
    @inject(PartEncoder) private readonly encoder: PartEncoder,
  ) {}

  async handle(job: EncodeSegmentJob, ctx: JobContext): Promise<Outcome> {
    const { recordingId, segment } = job;
    const log = ctx.log.child({ index: segment.index });
    const names = partObjects(recordingId, segment.index, job.output);
    const key = jobKey(job);
    const stored = await this.storedPart(names, key);
    if (stored) {
      log.info('part already encoded, announcing again');
      await this.announce(job, names, stored);
      return done();
    }
    const run = { signal: ctx.signal, onProgress: heartbeat(ctx) };
    const fps = job.output.kind === 'video' ? job.video.fps : undefined;
    try {
      return await this.scratch.withDir(`${recordingId}-${segment.index}`, async (dir) => {
        const current = await this.reader.read(segment, dir, 'current', fps, run);
        const previous = job.previous
          ? await this.reader.read(job.previous, dir, 'previous', fps, run)
          : undefined;
        const plan = planPart(job, { current: current.layout, previous: previous?.layout });
        for (const warning of plan.warnings) log.warn({ warning }, 'part timing');
        if (plan.audioHole) log.debug({ samples: plan.audioHole }, 'audio timing bridged at the cut');
        const made = await this.encoder.encode(job, plan, { current, previous }, dir, key, run);
        let bytes = 0;
        if (made.video && names.video) {
          bytes += (await this.objects.put(names.video, made.video.file, made.video.meta)).bytes;
        }
        bytes += (await this.objects.put(names.audio, made.audio.file, made.audio.meta)).bytes;
        log.info({ durationMs: plan.durationMs, bytes }, 'part encoded');
        await this.announce(job, names, { bytes, durationMs: plan.durationMs });
        return done();
      });
    } catch (err) {
      return failureOutcome(err, `segment ${segment.index}`, ctx);
    }
  }

  /** Both objects of the part stored by this very job: their size and duration. */
  private async storedPart(
    names: PartObjects,
    key: string,
  ): Promise<{ bytes: number; durationMs: number } | undefined> {
    let bytes = 0;
    let durationMs = 0;
    for (const name of [names.video, names.audio]) {
      if (!name) continue;
      const found = await this.objects.describe(name);
      const meta = parseMeta(PartMeta, found?.description);
      if (!found || !meta || meta.key !== key) return undefined;
      bytes += found.bytes;
      if (name === primaryObject(names)) durationMs = partDurationMs(meta);
    }
    return { bytes, durationMs };
  }

  private announce(job: EncodeSegmentJob, names: PartObjects, part: { bytes: number; durationMs: number }) {
    return this.publisher.event(
      SegmentEncoded,
      {
        v: 1,
        recordingId: job.recordingId,
        at: new Date(this.clock.now()).toISOString(),
        index: job.segment.index,
        object: primaryObject(names),
        bytes: part.bytes,
        durationMs: part.durationMs,
      },
      `encoded-${job.recordingId}-${job.segment.index}`,
    );
  }
}
