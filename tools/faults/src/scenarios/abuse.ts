import { connect } from 'nats';
import { hpbBackendRoomSubject, subjects } from '@talkrec/contracts';
import { counterTotal } from '../chain-tools.js';
import { recordCall } from '../recorded-call.js';
import { fromFate, type Scenario } from '../scenario.js';

const MALFORMED = 1000;
const FORGED = 1000;

/** Bodies that are not what the subject carries: not JSON, JSON of the wrong shape, empty, huge. */
const malformedBody = (i: number): Uint8Array =>
  new TextEncoder().encode(
    [
      '{"type":"incall","incall":',
      '[]',
      '{"type":"incall","incall":{"incall":"yes","users":7}}',
      '',
      '\u0000\u0001\u0002',
      `{"v":1,"room":${i}}`,
      'x'.repeat(4096),
    ][i % 7],
  );

/**
 * While a recording runs: 1,000 malformed messages on the HPB's room subjects and talkrec's command
 * subjects, and 1,000 requests to the Talk API signed with the wrong secret. The recording must still
 * be delivered, and every reject must show in the controller's metrics.
 */
export const malformedAndForged: Scenario = {
  name: '1,000 malformed + 1,000 forged',
  async run({ chain, room }) {
    const controller = () => chain.services.controller[0]!;
    const rejectsBefore =
      (await counterTotal(controller(), 'talkrec_rejected_total')) +
      (await counterTotal(controller(), 'talkrec_dead_letters_total'));
    let forgedRefused = 0;
    const fate = await recordCall(chain, {
      room: room(),
      segments: 5,
      midCall: async () => {
        const nc = await connect({ servers: chain.natsUrl, name: 'talkrec-faults' });
        try {
          for (let i = 0; i < MALFORMED; i++) {
            const subject =
              i % 2 === 0
                ? hpbBackendRoomSubject({ roomId: `nope${i % 13}`, backendId: chain.hpb.backendId })
                : subjects.startCommand;
            nc.publish(subject, malformedBody(i));
          }
          await nc.flush();
        } finally {
          await nc.close();
        }
        const token = room();
        for (let i = 0; i < FORGED; i++) {
          const answer = await chain.nextcloud.talkRecording.request(
            token,
            {
              type: 'start',
              start: { status: 1, owner: 'mallory', actor: { type: 'users', id: 'mallory' } },
            },
            { checksum: (i % 16).toString(16).repeat(64) },
          );
          if (answer.status === 403) forgedRefused++;
        }
      },
    });
    // The rejects are counted as the controller reads them; by the time the recording is done it has.
    const rejects =
      (await counterTotal(controller(), 'talkrec_rejected_total')) +
      (await counterTotal(controller(), 'talkrec_dead_letters_total')) -
      rejectsBefore;
    const problems: string[] = [];
    if (forgedRefused !== FORGED) problems.push(`only ${forgedRefused} of ${FORGED} forged requests got 403`);
    if (rejects < MALFORMED + FORGED) {
      problems.push(`metrics count ${rejects} rejects, expected ≥ ${MALFORMED + FORGED}`);
    }
    return fromFate(fate, `${forgedRefused} forged refused (403), ${rejects} rejects in metrics`, problems);
  },
};
