import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RecordingUploaded, decode, parseEventSubject } from '@talkrec/contracts';
import {
  DEFAULT_MEMBERS,
  RECORDER_USER,
  SyntheticCall,
  TalkrecChain,
  bandLevelDb,
  probe,
} from '@talkrec/testing';

const AUDIO_ROOM = `talk${Date.now().toString(36)}`;

const [alice, bob] = DEFAULT_MEMBERS as [(typeof DEFAULT_MEMBERS)[number], (typeof DEFAULT_MEMBERS)[number]];

/** The tones of both participants are in the file, well above a band nobody plays. */
async function expectBothVoices(file: string): Promise<void> {
  const levels = {
    alice: await bandLevelDb(file, alice.toneHz),
    bob: await bandLevelDb(file, bob.toneHz),
    neither: await bandLevelDb(file, 2500),
  };
  process.stdout.write(`band levels (dB) of ${file}: ${JSON.stringify(levels)}\n`);
  expect(levels.alice).toBeGreaterThan(-45);
  expect(levels.bob).toBeGreaterThan(-45);
  expect(levels.neither).toBeLessThan(Math.min(levels.alice, levels.bob) - 15);
}

// The video recording triggered by call events is `npm run demo`'s test (tools/demo).
describe('the whole chain (HPB 0.4.1 + Janus + stand-in, four services as processes, Chromium participants)', () => {
  let chain: TalkrecChain;

  beforeAll(async () => {
    // Debug logging: the secrets check below covers the most talkative the services get.
    chain = await TalkrecChain.start({ autoRecord: 'none', segmentSeconds: 5, logLevel: 'debug' });
  });

  afterAll(async () => {
    await chain?.stop();
  });

  it("records audio only when Talk asks (recording-server API) and stores it through Talk's upload API", async () => {
    const call = await SyntheticCall.join(chain.hpb, AUDIO_ROOM);
    try {
      await call.enter();
      const answer = await chain.nextcloud.talkRecording.start(AUDIO_ROOM, {
        status: 2,
        owner: alice.userId,
      });
      expect(answer.status).toBe(200);
      const id = await chain.recordingRequested(AUDIO_ROOM);
      await chain.reached(id, 'recording', 90_000);
      await chain.segmentCaptured(id, 2, 90_000);
      expect(
        (await chain.nextcloud.talkRecording.stop(AUDIO_ROOM, { type: 'users', id: alice.userId })).status,
      ).toBe(200);
      await chain.reached(id, 'done', 180_000);
      const uploaded = chain.tap.messages
        .filter((m) => parseEventSubject(m.subject)?.recordingId === id)
        .map((m) => decode(RecordingUploaded, m.data))
        .find((d) => d.ok)!;
      expect(uploaded.ok && uploaded.value.target).toBe('talk');

      const stored = chain.nextcloud.talkUpload.stored.find((s) => s.token === AUDIO_ROOM)!;
      expect(stored).toMatchObject({ owner: alice.userId });
      const file = chain.nextcloud.webdav.files.diskPath(stored.owner, stored.path);
      const info = await probe(file);
      expect(info.streams.map((s) => s.codec_type)).toEqual(['audio']);
      expect(info.durationS).toBeGreaterThanOrEqual(14);
      await expectBothVoices(file);
      expect(chain.nextcloud.violations).toEqual([]);
    } finally {
      await call.leave().catch(() => undefined);
      await call.stop();
    }
  });

  it('writes no secret into any service log over the whole run', () => {
    const recorder = chain.nextcloud.directory.users.get(RECORDER_USER)!;
    const secrets = {
      recordingSecret: chain.nextcloud.recordingSecret,
      internalSecret: chain.hpb.internalSecret,
      appPassword: recorder.appPassword,
      basicAuth: Buffer.from(`${RECORDER_USER}:${recorder.appPassword}`).toString('base64'),
    };
    for (const procs of Object.values(chain.services)) {
      for (const proc of procs) {
        const log = proc.log();
        expect(log.length).toBeGreaterThan(0);
        for (const [name, secret] of Object.entries(secrets)) {
          expect(log.includes(secret), `${proc.service}'s log contains the ${name}`).toBe(false);
        }
      }
    }
  });
});
