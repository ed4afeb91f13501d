import { setTimeout as sleep } from 'node:timers/promises';
import { connect } from 'nats';
import { readCapture } from './capture-file.js';

export interface ReplayOptions {
  natsUrl: string;
  /** Original timing divided by this; 0 or Infinity = as fast as possible. */
  speed: number;
  onMessage?: (subject: string) => void;
}

/**
 * Publishes captured HPB traffic (the hpb-0.4.1 fixtures' format) to a NATS server with the original
 * spacing divided by `speed`, so a whole call can be replayed against talkrec. Meant for test servers:
 * on a real HPB's NATS these messages would be executed by the signaling server.
 */
export async function replayCapture(file: string, options: ReplayOptions): Promise<number> {
  const messages = readCapture(file);
  const nc = await connect({ servers: options.natsUrl, name: 'talkrec-replay' });
  const paced = Number.isFinite(options.speed) && options.speed > 0;
  const encoder = new TextEncoder();
  let previous = messages[0]?.at ?? 0;
  try {
    for (const m of messages) {
      const gap = (m.at - previous) / options.speed;
      // The capture's own spacing is what is being reproduced here, so waiting is the point.
      if (paced && gap > 0) await sleep(gap);
      previous = m.at;
      nc.publish(m.subject, encoder.encode(JSON.stringify(m.payload)));
      options.onMessage?.(m.subject);
    }
    await nc.flush();
  } finally {
    await nc.close();
  }
  return messages.length;
}
