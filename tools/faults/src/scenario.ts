import type { TalkrecChain } from '@talkrec/testing';
import type { RecordingFate } from './recorded-call.js';

export interface FaultContext {
  chain: TalkrecChain;
  /** Shorter outages (20 s instead of 2 min) for a quick run. */
  quick: boolean;
  /** A fresh room token for each call. */
  room: () => string;
  say: (line: string) => void;
}

export interface ScenarioOutcome {
  fates: RecordingFate[];
  /** Checks besides the recordings' fates (e.g. rejects counted); each failed one fails the scenario. */
  problems: string[];
  detail: string;
}

export interface Scenario {
  name: string;
  run(ctx: FaultContext): Promise<ScenarioOutcome>;
}

export function fromFate(fate: RecordingFate, detail: string, problems: string[] = []): ScenarioOutcome {
  return { fates: [fate], problems, detail: `${detail}; ${fate.detail}` };
}
