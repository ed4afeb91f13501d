import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * The stand-in's own implementation of the checks Nextcloud makes (written from the documented
 * protocol, independently of talkrec's code, so a mistake on either side fails the tests).
 */
export function hmacHex(secret: string, message: string | Buffer): string {
  return createHmac('sha256', secret).update(message).digest('hex');
}

/** Talk lower-cases the received checksum and compares it with hash_equals. */
export function checksumMatches(
  secret: string,
  random: string,
  payload: Buffer | string,
  received: string,
): boolean {
  const expected = Buffer.from(hmacHex(secret, Buffer.concat([Buffer.from(random), Buffer.from(payload)])));
  const got = Buffer.from(received.toLowerCase());
  return expected.length === got.length && timingSafeEqual(expected, got);
}

/** A protocol violation the stand-in saw; tests assert there are none (or exactly the expected ones). */
export interface Violation {
  at: number;
  area: string;
  path: string;
  problem: string;
}
