import { inject, injectable } from 'tsyringe';
import {
  PurgeMediaCommand,
  RetryRecordingCommand,
  StartRecordingCommand,
  StopRecordingCommand,
  subjects,
  type TransitionActor,
  type Trigger,
} from '@talkrec/contracts';
import {
  TOKENS,
  done,
  failed,
  newRequestId,
  route,
  skipped,
  type JobRoute,
  type Logger,
} from '@talkrec/platform';
import type { RuleCache } from '../adapters/rule-cache.js';
import type { ControllerConfig } from '../config.js';
import { shouldAnnounce } from '../core/announce-policy.js';
import { Orchestrator } from '../leader/orchestrator.js';
import { Purger } from '../leader/purger.js';
import { CTOKENS } from '../tokens.js';

/** Start / stop / retry requests from the Talk and admin APIs, applied by the leader one at a time. */
@injectable()
export class CommandHandler {
  constructor(
    @inject(TOKENS.Config) private readonly config: ControllerConfig,
    @inject(Orchestrator) private readonly orchestrator: Orchestrator,
    @inject(Purger) private readonly purger: Purger,
    @inject(CTOKENS.Rules) private readonly rules: RuleCache,
    @inject(TOKENS.Logger) private readonly log: Logger,
  ) {}

  routes(): JobRoute[] {
    return [
      route(subjects.startCommand, StartRecordingCommand, (c) => this.start(c)),
      route(subjects.stopCommand, StopRecordingCommand, (c) => this.stop(c)),
      route(subjects.retryCommand, RetryRecordingCommand, (c) => this.retry(c)),
      route(subjects.purgeCommand, PurgeMediaCommand, (c) => this.purge(c)),
    ];
  }

  private async start(c: StartRecordingCommand) {
    const room = { backendId: c.backendId, roomToken: c.roomToken };
    const rule = this.rules.get(room);
    const trigger: Trigger =
      c.source.kind === 'talk'
        ? { kind: 'talk', owner: c.source.owner, actor: c.source.actor, status: c.source.status }
        : { kind: 'admin', by: c.source.by };
    const talkMode = c.source.kind === 'talk' && c.source.status === 2 ? 'audio' : 'video';
    const result = await this.orchestrator.startRecording({
      room,
      mode: c.mode ?? (c.source.kind === 'talk' ? talkMode : (rule?.mode ?? 'video')),
      layout: c.layout ?? rule?.layout ?? 'speaker',
      trigger,
      announce: shouldAnnounce(this.config.ANNOUNCE, trigger, rule),
    });
    if (!result.created) {
      this.log.warn({ requestId: c.requestId, recordingId: result.recordingId }, 'duplicate start ignored');
      return skipped('the room already has an active recording');
    }
    return done();
  }

  private async stop(c: StopRecordingCommand) {
    const reason = c.actor ? `${c.by} stop by ${c.actor.type}/${c.actor.id}` : `${c.by} stop`;
    const by: TransitionActor =
      c.by === 'talk' && c.actor
        ? { kind: 'talk', id: `${c.actor.type}/${c.actor.id}` }
        : { kind: c.by === 'talk' ? 'talk' : 'admin', id: c.by };
    if ('recordingId' in c.target) {
      const result = await this.orchestrator.apply(c.target.recordingId, {
        kind: 'stop',
        reason,
        actor: c.actor,
        by,
      });
      return result?.changed ? done() : skipped('nothing to stop');
    }
    const stopped = await this.orchestrator.stopRoom(c.target, reason, c.actor, by);
    return stopped ? done() : skipped('the room has no active recording');
  }

  private async purge(c: PurgeMediaCommand) {
    const purged = await this.purger.purge({ by: c.by, ...(c.recordingIds ? { only: c.recordingIds } : {}) });
    this.log.info({ requestId: c.requestId, by: c.by, recordings: purged.length }, 'purge done');
    return done();
  }

  private async retry(c: RetryRecordingCommand) {
    const result = await this.orchestrator.apply(c.recordingId, {
      kind: 'retry',
      requestId: c.requestId || newRequestId(),
      by: { kind: 'admin', id: c.by },
    });
    if (!result) return skipped('unknown recording');
    if (result.refused) return failed('not_retryable', result.refused);
    this.log.info({ recordingId: c.recordingId, by: c.by, state: result.state.state }, 'recording retried');
    return done();
  }
}
