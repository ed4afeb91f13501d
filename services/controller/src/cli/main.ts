#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { env, loadConfig } from '@talkrec/platform';
import { AdminClient } from './admin-client.js';
import { formatPurgePlan, formatTimeline, type AuditLine, type PurgeLine } from './audit-format.js';
import { replayCapture } from './replay.js';

const USAGE = `talkrec: the controller's command line

  talkrec recordings [--state STATE] [--json]   list recordings with state and timings
  talkrec recording ID                          one recording, in full
  talkrec start ROOM [--backend ID] [--mode video|audio] [--layout speaker|grid]
  talkrec stop ID                               stop a recording
  talkrec retry ID                              retry the failed stage of a recording
  talkrec rules list
  talkrec rules set BACKEND ROOM [--enabled true|false] [--mode video|audio] [--layout speaker|grid] [--min N]
                    [--announce true|false]
  talkrec rules delete BACKEND ROOM
  talkrec audit [--room TOKEN] [--backend ID] [--since 7d|12h|ISO] [--json]
      every recording's history: who or what started it and why, its stages, who stopped it, where the
      file went, which notices the conversation got; --json prints JSON lines (for export)
  talkrec purge [--dry-run]
      delete the media the retention policy lets go now (uploaded and past MEDIA_DELETE_GRACE_S, or
      failed longer ago than FAILED_RETENTION_DAYS); --dry-run only lists it
  talkrec replay FILE.jsonl [--speed N] [--nats URL]
      publish captured HPB traffic with its original timing divided by N (0 = as fast as possible);
      for test servers only: a real HPB executes what is published on its subjects

  Environment: TALKREC_ADMIN_URL (default http://127.0.0.1:8001), ADMIN_API_TOKEN, NATS_URL.`;

const cliConfigShape = {
  TALKREC_ADMIN_URL: env.url(['http', 'https'], 'http://127.0.0.1:8001'),
  ADMIN_API_TOKEN: env.optionalSecret(),
  NATS_URL: env.url(['nats', 'tls'], 'nats://127.0.0.1:4222'),
};

function fail(message: string): never {
  console.error(message);
  process.exit(2);
}

const pad = (v: unknown, n: number) =>
  (typeof v === 'string' || typeof v === 'number' ? String(v) : '').padEnd(n);

function printRecordings(list: Array<Record<string, unknown>>): void {
  console.log(
    `${pad('ID', 31)}${pad('STATE', 11)}${pad('ROOM', 24)}${pad('TRIGGER', 8)}${pad('CREATED', 26)}CAPTURED`,
  );
  for (const r of list) {
    const room = `${String(r.backendId)}/${String(r.roomToken)}`;
    const captured = `${Math.round(Number(r.capturedMs ?? 0) / 1000)} s`;
    const failure = r.failure
      ? `  (${(r.failure as { stage: string; code: string }).stage}: ${(r.failure as { code: string }).code})`
      : '';
    console.log(
      `${pad(r.recordingId, 31)}${pad(r.state, 11)}${pad(room, 24)}${pad(r.trigger, 8)}${pad(r.createdAt, 26)}${captured}${failure}`,
    );
  }
}

const PURGE_WAIT_MS = 60_000;
const PURGE_POLL_MS = 500;

/** Dry run, or ask the leader to purge and wait until what was planned is gone. */
async function purge(admin: AdminClient, dryRun: boolean): Promise<number> {
  if (dryRun) {
    const r = await admin.call('GET', '/purge');
    if (r.status !== 200) return 1;
    console.log(formatPurgePlan(r.json as { purge: PurgeLine[]; keep: PurgeLine[] }));
    return 0;
  }
  const r = await admin.call('POST', '/purge');
  if (r.status !== 202) {
    console.log(JSON.stringify(r.json, null, 2));
    return 1;
  }
  const planned = (r.json as { purge: PurgeLine[] }).purge;
  const deadline = Date.now() + PURGE_WAIT_MS;
  for (;;) {
    const now = await admin.call('GET', '/purge');
    const left = new Set((now.json as { purge: PurgeLine[] }).purge.map((p) => p.recordingId));
    if (!planned.some((p) => left.has(p.recordingId))) break;
    if (Date.now() > deadline) {
      console.error('the leader has not finished the purge yet; check `talkrec purge --dry-run` later');
      return 1;
    }
    // The purge runs on the leader; the admin API has nothing to await but the result.
    await new Promise((resolve) => setTimeout(resolve, PURGE_POLL_MS));
  }
  const bytes = planned.reduce((n, p) => n + p.bytes, 0);
  console.log(`purged ${planned.length} recording(s), ${(bytes / 1024 ** 2).toFixed(1)} MiB`);
  for (const p of planned) console.log(`  ${p.recordingId}  ${p.state}  ${p.why}`);
  return 0;
}

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      state: { type: 'string' },
      json: { type: 'boolean', default: false },
      speed: { type: 'string', default: '1' },
      nats: { type: 'string' },
      backend: { type: 'string' },
      mode: { type: 'string' },
      layout: { type: 'string' },
      enabled: { type: 'string' },
      min: { type: 'string' },
      announce: { type: 'string' },
      room: { type: 'string' },
      since: { type: 'string' },
      'dry-run': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  const [command, ...args] = positionals;
  if (!command || values.help) {
    console.log(USAGE);
    return command ? 0 : 2;
  }
  const config = loadConfig(cliConfigShape);
  if (command === 'replay') {
    const file = args[0] ?? fail('replay: FILE missing');
    const speed = Number(values.speed);
    if (Number.isNaN(speed) || speed < 0) fail(`replay: --speed must be a number >= 0 (got ${values.speed})`);
    const count = await replayCapture(file, { natsUrl: values.nats ?? config.NATS_URL, speed });
    console.log(`replayed ${count} messages from ${file}`);
    return 0;
  }
  const admin = new AdminClient(config.TALKREC_ADMIN_URL, config.ADMIN_API_TOKEN);
  const show = (r: { status: number; json: unknown }, ok = (s: number) => s < 300) => {
    console.log(typeof r.json === 'string' ? r.json : JSON.stringify(r.json, null, 2));
    return ok(r.status) ? 0 : 1;
  };
  switch (command) {
    case 'recordings': {
      const r = await admin.call(
        'GET',
        `/recordings${values.state ? `?state=${encodeURIComponent(values.state)}` : ''}`,
      );
      if (r.status !== 200 || values.json) return show(r);
      printRecordings((r.json as { recordings: Array<Record<string, unknown>> }).recordings);
      return 0;
    }
    case 'recording':
      return show(
        await admin.call(
          'GET',
          `/recordings/${encodeURIComponent(args[0] ?? fail('recording: ID missing'))}`,
        ),
      );
    case 'start':
      return show(
        await admin.call('POST', '/recordings', {
          roomToken: args[0] ?? fail('start: ROOM missing'),
          ...(values.backend ? { backendId: values.backend } : {}),
          ...(values.mode ? { mode: values.mode } : {}),
          ...(values.layout ? { layout: values.layout } : {}),
        }),
      );
    case 'stop':
    case 'retry':
      return show(
        await admin.call(
          'POST',
          `/recordings/${encodeURIComponent(args[0] ?? fail(`${command}: ID missing`))}/${command}`,
        ),
      );
    case 'rules': {
      const [sub, backend, room] = args;
      if (sub === 'list') return show(await admin.call('GET', '/rules'));
      if (!backend || !room) fail(`rules ${sub ?? ''}: BACKEND and ROOM required`);
      const path = `/rules/${encodeURIComponent(backend)}/${encodeURIComponent(room)}`;
      if (sub === 'delete') return show(await admin.call('DELETE', path));
      if (sub === 'set') {
        return show(
          await admin.call('PUT', path, {
            enabled: values.enabled === undefined ? true : values.enabled === 'true',
            ...(values.mode ? { mode: values.mode } : {}),
            ...(values.layout ? { layout: values.layout } : {}),
            ...(values.min ? { minParticipants: Number(values.min) } : {}),
            ...(values.announce ? { announce: values.announce === 'true' } : {}),
          }),
        );
      }
      return fail(`rules: unknown subcommand ${sub ?? ''}\n\n${USAGE}`);
    }
    case 'audit': {
      const query = new URLSearchParams({
        since: values.since ?? '7d',
        ...(values.room ? { room: values.room } : {}),
        ...(values.backend ? { backend: values.backend } : {}),
      });
      const r = await admin.call('GET', `/audit?${query.toString()}`);
      if (r.status !== 200) return show(r);
      const body = r.json as { entries: AuditLine[]; truncated: boolean };
      if (values.json) for (const e of body.entries) console.log(JSON.stringify(e));
      else console.log(formatTimeline(body.entries));
      if (body.truncated) console.error('(truncated: narrow the query with --since or --room)');
      return 0;
    }
    case 'purge':
      return purge(admin, values['dry-run']);
    default:
      return fail(`unknown command ${command}\n\n${USAGE}`);
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err instanceof Error ? err.message : String(err));
    process.exit(1);
  },
);
