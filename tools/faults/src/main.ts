import { parseArgs } from 'node:util';
import { TalkrecChain } from '@talkrec/testing';
import { formatTable, scenarioLine, summaryLine, type ScenarioResult } from './report.js';
import type { FaultContext, Scenario } from './scenario.js';
import { malformedAndForged } from './scenarios/abuse.js';
import { callFlood } from './scenarios/flood.js';
import { nextcloudDown, nextcloudFull, natsRestart } from './scenarios/outages.js';
import { captureCrash, controllerCrash, encoderCrash, uploaderCrash } from './scenarios/process-crashes.js';

const SCENARIOS: Scenario[] = [
  captureCrash,
  encoderCrash,
  uploaderCrash,
  controllerCrash,
  natsRestart,
  nextcloudDown,
  nextcloudFull,
  malformedAndForged,
  // Last: it leaves 200 rooms' worth of work behind it.
  callFlood,
];

const USAGE = `npm run faults [-- --quick] [--only <name substring>]

Starts the whole chain (HPB 0.4.1, Janus, Nextcloud stand-in, two capture instances and one of each other
service), runs each fault scenario against a real call and checks what became of the recording. Prints a
table, one JSON line per scenario, and last {"scenarios":N,"passed":N,"recordingsLost":N}.`;

const say = (line: string) =>
  process.stdout.write(`[faults ${new Date().toISOString().slice(11, 19)}] ${line}\n`);

async function runScenario(scenario: Scenario, ctx: FaultContext): Promise<ScenarioResult> {
  const started = Date.now();
  say(`▶ ${scenario.name}`);
  try {
    const outcome = await scenario.run(ctx);
    const lost = outcome.fates.filter((f) => !f.delivered).length;
    const result = {
      name: scenario.name,
      passed: lost === 0 && outcome.problems.length === 0,
      recordings: outcome.fates.length,
      lost,
      seconds: (Date.now() - started) / 1000,
      detail: [outcome.detail, ...outcome.problems].join('; '),
    };
    say(`${result.passed ? '✔' : '✘'} ${scenario.name}: ${result.detail}`);
    return result;
  } catch (err) {
    const detail = err instanceof Error ? err.message.split('\n')[0]! : String(err);
    say(`✘ ${scenario.name}: ${detail}`);
    // A scenario that broke before its recording's fate was known counts that recording as lost.
    return {
      name: scenario.name,
      passed: false,
      recordings: 1,
      lost: 1,
      seconds: (Date.now() - started) / 1000,
      detail,
    };
  }
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      quick: { type: 'boolean', default: false },
      only: { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const chosen = SCENARIOS.filter((s) => !values.only || s.name.includes(values.only));
  say('starting the chain…');
  const chain = await TalkrecChain.start({
    autoRecord: 'all',
    segmentSeconds: 5,
    logLevel: 'warn',
    instances: { capture: 2 },
    env: {
      // Retry soon after Nextcloud is back, so the scenarios measure talkrec and not the backoff ceiling.
      uploader: { UPLOAD_BACKOFF_BASE_S: '1', UPLOAD_BACKOFF_MAX_S: '10' },
    },
  });
  let rooms = 0;
  const ctx: FaultContext = {
    chain,
    quick: values.quick,
    room: () => `fault${Date.now().toString(36)}${(rooms++).toString(36)}`,
    say,
  };
  const results: ScenarioResult[] = [];
  try {
    for (const scenario of chosen) results.push(await runScenario(scenario, ctx));
  } finally {
    await chain.stop();
  }
  process.stdout.write(`\n${formatTable(results)}\n\n`);
  for (const r of results) process.stdout.write(`${scenarioLine(r)}\n`);
  process.stdout.write(`${summaryLine(results)}\n`);
  return results.every((r) => r.passed) ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`faults failed: ${err instanceof Error ? err.stack : String(err)}\n`);
    process.exit(1);
  },
);
