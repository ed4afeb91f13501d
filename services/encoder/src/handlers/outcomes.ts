import {
  MediaIntegrityError,
  backoffDelay,
  failed,
  retryLater,
  type JobContext,
  type Outcome,
} from '@talkrec/platform';
import { FfmpegError } from '../adapters/ffmpeg/ffmpeg.js';
import { PlanError } from '../core/part-plan.js';
import { EncodeError } from '../work/encode-error.js';

const RETRY_BASE_MS = 5_000;
const RETRY_MAX_MS = 600_000;
const HANDOVER_MS = 1_000;

/**
 * What an encoder failure means for its job: broken input or a verification failure cannot succeed
 * (failed: the loop emits the `failed` event); a stop, a timeout or an unreadable store is worth
 * another try. `what` names the segment or recording. Anything unknown is rethrown for the loop's
 * own backoff.
 */
export function failureOutcome(err: unknown, what: string, ctx: JobContext): Outcome {
  const later = (reason: string) =>
    retryLater(backoffDelay(ctx.attempt, RETRY_BASE_MS, RETRY_MAX_MS), reason);
  if (err instanceof EncodeError) return err.retryable ? later(err.message) : failed(err.code, err.message);
  if (err instanceof PlanError) return failed(err.code, `${what}: ${err.message}`);
  if (err instanceof FfmpegError) {
    if (err.code === 'ffmpeg_failed' || err.code === 'ffprobe_failed') {
      return failed(err.code, `${what}: ffmpeg: ${err.line}`);
    }
    // Stopping: hand the job straight to another instance.
    if (err.code === 'ffmpeg_aborted') return retryLater(HANDOVER_MS, `${what}: ${err.line}`);
    return later(`${what}: ${err.line}`);
  }
  if (err instanceof MediaIntegrityError) {
    return err.code === 'media_corrupt'
      ? later(`${what}: ${err.message}`)
      : failed(err.code, `${what}: ${err.message}`);
  }
  throw err;
}

/** Progress of a long ffmpeg run turned into in-progress acks, at most one every few seconds. */
export function heartbeat(ctx: JobContext, everyMs = 5_000): () => void {
  let last = 0;
  return () => {
    const now = performance.now();
    if (now - last < everyMs) return;
    last = now;
    ctx.working();
  };
}
