export interface MediaWatchOptions {
  /** How often the received byte count is read (ms). */
  checkMs: number;
  /** No new bytes for this long counts as stalled (ms), also before the first byte. */
  stallMs: number;
}

export const defaultMediaWatch: MediaWatchOptions = { checkMs: 1_000, stallMs: 5_000 };

/**
 * Watches what a receiving PeerConnection gets: `flowing` once bytes arrive, `stalled` once they stop.
 * When a publisher stops and publishes again, Janus 1.x keeps the old subscriber's connection up
 * without media and signaling 0.4.1 tells nobody: only the byte count shows it.
 */
export function watchMedia(
  pc: RTCPeerConnection,
  handlers: { flowing: () => void; stalled: () => void; isClosed: () => boolean },
  options: MediaWatchOptions = defaultMediaWatch,
): void {
  let bytes = 0;
  let changedAt = Date.now();
  let flowed = false;
  let reading = false;
  const timer = setInterval(() => {
    if (handlers.isClosed()) {
      clearInterval(timer);
      return;
    }
    if (reading) return;
    reading = true;
    receivedBytes(pc)
      .then((now) => {
        if (now > bytes) {
          bytes = now;
          changedAt = Date.now();
          if (!flowed) {
            flowed = true;
            handlers.flowing();
          }
        } else if (Date.now() - changedAt >= options.stallMs && !handlers.isClosed()) {
          clearInterval(timer);
          handlers.stalled();
        }
      })
      .catch(() => undefined)
      .finally(() => (reading = false));
  }, options.checkMs);
}

async function receivedBytes(pc: RTCPeerConnection): Promise<number> {
  let total = 0;
  (await pc.getStats()).forEach((s: { type?: string; bytesReceived?: number }) => {
    if (s.type === 'inbound-rtp') total += s.bytesReceived ?? 0;
  });
  return total;
}
