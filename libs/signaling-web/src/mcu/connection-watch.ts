/** How long a PeerConnection may stay `disconnected` before it counts as failed (Chrome waits ~30 s). */
export const DISCONNECT_GRACE_MS = 5_000;

/**
 * Calls `connected` when the PeerConnection is up and `failed` once when it is lost: `failed`, closed
 * by the remote end, or `disconnected` for longer than `graceMs`. Janus drops a subscriber silently
 * when its publisher goes (0.4.1 does not tell the client), so this is how a subscriber learns it.
 */
export function watchConnection(
  pc: RTCPeerConnection,
  handlers: { connected?: () => void; failed: () => void; isClosed: () => boolean },
  graceMs = DISCONNECT_GRACE_MS,
): void {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let failed = false;
  const fail = () => {
    clearTimeout(timer);
    if (failed || handlers.isClosed()) return;
    failed = true;
    handlers.failed();
  };
  pc.onconnectionstatechange = () => {
    if (handlers.isClosed()) {
      clearTimeout(timer);
      return;
    }
    switch (pc.connectionState) {
      case 'connected':
        clearTimeout(timer);
        handlers.connected?.();
        return;
      case 'disconnected':
        clearTimeout(timer);
        timer = setTimeout(fail, graceMs);
        return;
      case 'failed':
      case 'closed':
        fail();
        return;
      case 'new':
      case 'connecting':
        return;
    }
  };
}
