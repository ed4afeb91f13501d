import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RecordingState } from '@talkrec/contracts';
import { NatsServer, NextcloudStandIn } from '@talkrec/testing';
import { talkrec } from './cli.js';
import { DecisionTap, StageActor, eventually, startTestController, type TestController } from './harness.js';
import { hpbCallStarted, stageEvents } from './stages.js';

const EN_SECRET = 'e'.repeat(40) + '-talkrec-bot-en';
const DE_SECRET = 'd'.repeat(64);
const INSTALLED_SECRET = 'i'.repeat(50);
const WRONG_SECRET = 'w'.repeat(50);
const SHARE_URL = 'https://cloud.example.com/s/AbC123';

/**
 * Notices in the conversation through Talk's bot API, against the Nextcloud stand-in (which checks the
 * signature exactly as Talk does): automatic recordings announced at start, stop and delivery in English
 * and German; a wrong bot secret is reported and the recording completes anyway. Then the audit trail of
 * the finished recording through the CLI.
 */
describe('announcements and audit', () => {
  let nats: NatsServer;
  let nc: NextcloudStandIn;
  let ctl: TestController;
  let decisions: DecisionTap;
  let stages: StageActor;

  const admin = async (method: string, path: string) => {
    const res = await fetch(`${ctl.adminUrl}/api/v1${path}`, {
      method,
      headers: { 'x-talkrec-user': 'auditor' },
    });
    return { status: res.status, body: await res.json() };
  };

  /** An automatic recording from the call starting to delivery, the test acting as every stage. */
  async function recordCall(backendId: string, room: string): Promise<string> {
    await hpbCallStarted(stages, backendId, room);
    const id = (await decisions.waitForRequested(room, 30_000)).recordingId;
    const e = stageEvents(stages, id);
    await decisions.waitForTransition(id, 'starting', 30_000);
    await e.captureStarted();
    await decisions.waitForTransition(id, 'recording', 30_000);
    await e.segment(0);
    expect((await admin('POST', `/recordings/${id}/stop`)).status).toBe(202);
    await decisions.waitForTransition(id, 'stopping', 30_000);
    await e.finished(0);
    await decisions.waitForTransition(id, 'captured', 30_000);
    await e.encoded(0);
    await decisions.waitForTransition(id, 'encoding', 30_000);
    await e.assembled('Recording 2026-01-02 10-00-00.mp4');
    await decisions.waitForTransition(id, 'uploading', 30_000);
    await e.uploaded({ url: SHARE_URL, sharedToRoom: true });
    await decisions.waitForTransition(id, 'done', 30_000);
    return id;
  }
  const texts = (room: string) => nc.bot.messagesIn(room).map((m) => m.message);
  const violationsIn = (room: string) => nc.violations.filter((v) => v.path.includes(`/bot/${room}/`));
  const stateOf = async (id: string) => (await admin('GET', `/recordings/${id}`)).body as RecordingState;

  beforeAll(async () => {
    nats = await NatsServer.start();
    nc = await new NextcloudStandIn().start();
    nc.bot.install('talkrec', EN_SECRET, ['annEn']);
    nc.bot.install('talkrec-de', DE_SECRET, ['annDe']);
    nc.bot.install('talkrec-other', INSTALLED_SECRET, ['annBad']);
    ctl = await startTestController({
      NATS_URL: nats.url,
      NEXTCLOUD_URL: nc.url,
      TALK_RECORDING_SECRET: nc.recordingSecret,
      TALK_BOT_SECRET: EN_SECRET,
      BACKENDS: JSON.stringify([
        { id: 'nc-de', url: nc.url },
        { id: 'nc-bad', url: nc.url },
      ]),
      TALK_BOTS: JSON.stringify({
        'nc-de': { secret: DE_SECRET, language: 'de' },
        'nc-bad': { secret: WRONG_SECRET },
      }),
      AUTO_RECORD: 'all',
    });
    decisions = await DecisionTap.start(nats.url);
    stages = await StageActor.start(nats.url);
    await eventually(() => ctl.controller.leadership.isLeader, 30_000);
  });

  afterAll(async () => {
    await stages?.stop();
    await decisions?.stop();
    await ctl?.stop();
    await nc?.stop();
    await nats?.stop();
  });

  it('posts signed notices at start, stop and delivery into the conversation, in English', async () => {
    const id = await recordCall('nextcloud', 'annEn');
    await eventually(() => texts('annEn').length >= 3, 30_000);
    expect(texts('annEn')).toEqual([
      'This call is being recorded automatically (all calls on this server are recorded).',
      'The recording of this call has stopped.',
      `The recording is ready: [Recording 2026-01-02 10-00-00.mp4](${SHARE_URL})`,
    ]);
    expect(violationsIn('annEn')).toEqual([]);
    const state = await eventually(async () => {
      const s = await stateOf(id);
      return s.announcements?.length === 3 ? s : undefined;
    }, 30_000);
    expect(state.announcements!.map((a) => [a.notice, a.result, a.status])).toEqual([
      ['started', 'posted', 201],
      ['stopped', 'posted', 201],
      ['delivered', 'posted', 201],
    ]);
  });

  it('speaks German for a backend configured so', async () => {
    await recordCall('nc-de', 'annDe');
    await eventually(() => texts('annDe').length >= 3, 30_000);
    expect(texts('annDe')).toEqual([
      'Dieser Anruf wird automatisch aufgezeichnet (alle Anrufe auf diesem Server werden aufgezeichnet).',
      'Die Aufzeichnung dieses Anrufs wurde beendet.',
      `Die Aufzeichnung ist fertig: [Recording 2026-01-02 10-00-00.mp4](${SHARE_URL})`,
    ]);
    expect(violationsIn('annDe')).toEqual([]);
  });

  it('reports a wrong bot secret clearly and still completes the recording', async () => {
    const id = await recordCall('nc-bad', 'annBad');
    const state = await eventually(async () => {
      const s = await stateOf(id);
      return s.announcements?.length === 3 ? s : undefined;
    }, 30_000);
    expect(state.state).toBe('done');
    expect(state.announcements!.map((a) => [a.notice, a.result, a.status])).toEqual([
      ['started', 'refused', 401],
      ['stopped', 'refused', 401],
      ['delivered', 'refused', 401],
    ]);
    expect(state.announcements![0]!.reason).toMatch(/bot secret is wrong/);
    expect(texts('annBad')).toEqual([]);
    expect(violationsIn('annBad').map((v) => v.problem)).toContain(
      'no bot in this conversation matches the signature',
    );
    const logged = ctl.logs.filter((l) => l.msg === 'notice not posted' && l.recordingId === id);
    expect(logged).toHaveLength(3);
    expect(logged[0]).toMatchObject({ status: 401, backendId: 'nc-bad', room: 'annBad' });
    expect(JSON.stringify(ctl.logs)).not.toContain(WRONG_SECRET);
    const metrics = await ctl.runtime.metrics.registry.getSingleMetricAsString(
      'talkrec_controller_announcements_total',
    );
    expect(metrics).toContain(
      'talkrec_controller_announcements_total{notice="started",result="refused",service="controller"} 1',
    );
  });

  it("shows a finished recording's full history with talkrec audit, as a timeline and as JSON lines", async () => {
    const cli = (...args: string[]) => talkrec(args, { TALKREC_ADMIN_URL: ctl.adminUrl });
    const timeline = await cli('audit', '--room', 'annEn', '--since', '1h');
    expect(timeline.code).toBe(0);
    const text = timeline.stdout;
    for (const expected of [
      'nextcloud/annEn',
      'requested by rule "AUTO_RECORD=all"; video, speaker; to local',
      'requested → starting: capture job queued',
      'capture started on cap-1',
      'starting → recording: media flowing',
      'notice "started" posted (HTTP 201)',
      'segments 0 captured (1 events)',
      'recording → stopping: auditor stop [by admin auditor]',
      'capture finished (stop-requested), last segment 0',
      'file assembled: Recording 2026-01-02 10-00-00.mp4',
      `delivered to webdav: Talk Recordings/`,
      `(${SHARE_URL}), shared to the room`,
      'uploading → done: delivered to webdav',
      'notice "delivered" posted (HTTP 201)',
    ]) {
      expect(text).toContain(expected);
    }
    expect(text).not.toContain('annDe');

    const json = await cli('audit', '--room', 'annEn', '--since', '1h', '--json');
    const lines = json.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { event: string; roomToken: string });
    expect(lines.every((l) => l.roomToken === 'annEn')).toBe(true);
    expect(lines[0]!.event).toBe('recording.requested');
    expect(lines.map((l) => l.event)).toEqual(
      expect.arrayContaining(['upload.done', 'announce.result', 'recording.transitioned']),
    );
  });
});
