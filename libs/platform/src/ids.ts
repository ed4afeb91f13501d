import { randomBytes } from 'node:crypto';

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
let lastTime = 0;
let lastRandom: number[] = [];

/**
 * A new recording id: `rec_` + ULID (48-bit ms time + 80 random bits, Crockford base32). Ids made in
 * the same millisecond by this process increase monotonically, so they sort in creation order.
 */
export function newRecordingId(now: number = Date.now()): string {
  let rand: number[];
  if (now === lastTime) {
    rand = [...lastRandom];
    for (let i = rand.length - 1; i >= 0; i--) {
      if (rand[i]! < 31) {
        rand[i]!++;
        break;
      }
      rand[i] = 0;
    }
  } else {
    const bytes = randomBytes(16);
    rand = Array.from({ length: 16 }, (_, i) => bytes[i]! & 31);
  }
  lastTime = now;
  lastRandom = rand;
  let time = '';
  let t = now;
  for (let i = 0; i < 10; i++) {
    time = CROCKFORD[t % 32]! + time;
    t = Math.floor(t / 32);
  }
  return `rec_${time}${rand.map((r) => CROCKFORD[r]).join('')}`;
}

/** A random id for requests and uploads (URL- and subject-safe). */
export function newRequestId(): string {
  return randomBytes(12).toString('base64url');
}
