import { CaptureStarted, decode, parseEventSubject } from '@talkrec/contracts';
import type { ServiceProcess, TalkrecChain, TalkrecService } from '@talkrec/testing';

/** The capture instance (index in the chain) that holds a recording, from its `capture.started`. */
export async function captureInstanceOf(chain: TalkrecChain, recordingId: string): Promise<number> {
  const m = await chain.tap.waitFor((t) => {
    const parsed = parseEventSubject(t.subject);
    return parsed?.recordingId === recordingId && parsed.name === CaptureStarted.name;
  }, 60_000);
  const started = decode(CaptureStarted, m.data);
  if (!started.ok) throw started.error;
  // The chain names instances `<service>-<index>`.
  return Number(started.value.instanceId.split('-').pop());
}

/** SIGKILL, as a crash or the OOM killer would, then a fresh process in its place. */
export async function crashAndReplace(
  chain: TalkrecChain,
  service: TalkrecService,
  instance = 0,
  downMs = 0,
): Promise<ServiceProcess> {
  await chain.services[service][instance]!.kill();
  if (downMs > 0) await new Promise((r) => setTimeout(r, downMs));
  return chain.restart(service, instance);
}

/** Sum of a Prometheus counter over all its label sets, from a service's /metrics. */
export async function counterTotal(proc: ServiceProcess, name: string): Promise<number> {
  const text = await (await fetch(`${proc.opsUrl}/metrics`)).text();
  return text
    .split('\n')
    .filter((l) => l.startsWith(`${name}{`) || l.startsWith(`${name} `))
    .reduce((sum, l) => sum + Number(l.slice(l.lastIndexOf(' ') + 1)), 0);
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
