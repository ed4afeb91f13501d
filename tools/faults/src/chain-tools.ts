import type { ServiceProcess, TalkrecChain, TalkrecService } from '@talkrec/testing';

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
