import { copyFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { DEFAULT_MEMBERS, RECORDER_USER, SyntheticCall, TalkrecChain, probe } from '@talkrec/testing';
import { describeProgress } from './progress.js';

const USAGE = `npm run demo [-- --seconds N] [--out DIR] [--json]

A synthetic call with auto-recording on, on the real HPB (nats-server, signaling, Janus) and a Nextcloud
stand-in: two Chromium participants talk for N seconds (default 30), the four talkrec services record it,
and the file lands in the stand-in's WebDAV storage and in DIR (default ./recordings).`;

interface DemoArgs {
  seconds: number;
  out: string;
  json: boolean;
}

function parse(argv: string[]): DemoArgs {
  const { values } = parseArgs({
    args: argv,
    options: {
      seconds: { type: 'string', default: '30' },
      out: { type: 'string', default: 'recordings' },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    process.exit(0);
  }
  const seconds = Number(values.seconds);
  if (!Number.isInteger(seconds) || seconds < 5 || seconds > 3600) {
    throw new Error(`--seconds must be a whole number from 5 to 3600, not "${values.seconds}"`);
  }
  return { seconds, out: path.resolve(values.out), json: values.json };
}

const say = (line: string) =>
  process.stdout.write(`[demo ${new Date().toISOString().slice(11, 19)}] ${line}\n`);

async function main(): Promise<void> {
  const args = parse(process.argv.slice(2));
  const room = `demo${Date.now().toString(36)}`;
  say(`starting nats-server, signaling, Janus, the Nextcloud stand-in and the four services…`);
  const chain = await TalkrecChain.start({ autoRecord: room, segmentSeconds: 5, logLevel: 'warn' });
  let call: SyntheticCall | undefined;
  const stopProgress = chain.tap.onMessage((m) => {
    const line = describeProgress(m.subject, m.data);
    if (line) say(line);
  });
  try {
    say(
      `room ${room}: ${DEFAULT_MEMBERS.map((m) => `${m.displayName} (${m.toneHz} Hz)`).join(' and ')} join the call`,
    );
    chain.addRoom(room);
    call = await SyntheticCall.join(chain.hpb, room);
    await call.enter();
    const id = await chain.recordingRequested(room, 60_000);
    say(`recording ${id} requested by the call start`);
    await chain.reached(id, 'recording', 120_000);
    const segmentS = 5;
    await chain.segmentCaptured(id, Math.ceil(args.seconds / segmentS) - 1, (args.seconds + 120) * 1000);
    say('everyone leaves the call');
    await call.leave();
    const callEnded = Date.now();
    await chain.reached(id, 'done', 600_000);
    const availableS = (Date.now() - callEnded) / 1000;
    const uploaded = chain.recordings().get(id)?.uploaded;
    if (!uploaded) throw new Error(`recording ${id} is done but no upload.done event was seen`);

    const inNextcloud = chain.deliveredPath(uploaded);
    await mkdir(args.out, { recursive: true });
    const onDisk = path.join(args.out, `${room}${path.extname(inNextcloud)}`);
    await copyFile(inNextcloud, onDisk);
    const info = await probe(onDisk);
    const summary = {
      recordingId: id,
      nextcloudPath: path.posix.join('/remote.php/dav/files', RECORDER_USER, uploaded.location),
      file: onDisk,
      durationS: Number(info.durationS.toFixed(2)),
      codecs: info.streams.map((s) => s.codec_name),
      bytes: uploaded.bytes,
      sharedToRoom: uploaded.sharedToRoom,
      callEndToAvailableS: Number(availableS.toFixed(2)),
    };
    say(`done: ${summary.file}`);
    say(`  in Nextcloud:        ${summary.nextcloudPath} (shared into the room: ${summary.sharedToRoom})`);
    say(`  duration:            ${summary.durationS} s`);
    say(`  codecs:              ${summary.codecs.join(' + ')}`);
    say(`  size:                ${(summary.bytes / 1024 / 1024).toFixed(2)} MiB`);
    say(`  call end → available: ${summary.callEndToAvailableS} s`);
    if (args.json) process.stdout.write(`${JSON.stringify(summary)}\n`);
  } catch (err) {
    for (const [service, procs] of Object.entries(chain.services)) {
      for (const proc of procs) {
        process.stderr.write(
          `--- last lines of ${service}'s log\n${proc.log().split('\n').slice(-15).join('\n')}\n`,
        );
      }
    }
    throw err;
  } finally {
    stopProgress();
    say('stopping everything');
    await call?.stop();
    await chain.stop();
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`demo failed: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  },
);
