/**
 * The current audio level (0..1, linear) of a received audio track. Janus forwards the senders'
 * RFC 6464 level extension, which `getSynchronizationSources()` exposes without decoding work; the
 * receiver's stats are the fallback when no packet carried it.
 */
export async function audioLevel(receiver: RTCRtpReceiver): Promise<number> {
  const fromHeader = receiver
    .getSynchronizationSources()
    .map((s) => s.audioLevel)
    .find((l): l is number => typeof l === 'number');
  if (fromHeader !== undefined) return fromHeader;
  let level = 0;
  (await receiver.getStats()).forEach((s: { type?: string; audioLevel?: number }) => {
    if (s.type === 'inbound-rtp' && typeof s.audioLevel === 'number') level = s.audioLevel;
  });
  return level;
}
