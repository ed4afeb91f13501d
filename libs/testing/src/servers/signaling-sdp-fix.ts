import { createHash } from 'node:crypto';
import { chmod, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

export const PACKAGED_SIGNALING_BINARY = 'nextcloud-spreed-signaling-server';
const BINARY = PACKAGED_SIGNALING_BINARY;

/**
 * Debian's build of signaling 0.4.1 (package 0.4.1-4+b4) refuses every camera/microphone offer.
 * Its patch `build-with-sdp-3.4.patch` changed the SDP permission check in
 * `ClientSession.isSdpAllowedToSendLocked` from `payload["sdp"].(string)` to `.([]byte)`; a value
 * decoded from JSON is never a []byte, so each `video` offer is answered `not_allowed` ("payload does
 * not contain a valid sdp" in the server log). Only `screen` offers, which skip that check, get through.
 *
 * This makes a copy of that exact binary with the check asserting `string` again (the type descriptor
 * compared, and the slice capacity read as the string's length), so tests can publish cameras
 * through the real server. Any other binary is used as it is. The harness's `SignalingServer` runs the
 * fixed copy unless a test asks for the packaged one.
 */
const debianBuggyBuild = {
  sha256: 'b8d15677d2847650c6b6e70d82b2c0866b9d66bce26af6f4cdfc0bea719dc581',
  /** File offsets (= virtual address − 0x400000 in .text) and the bytes expected and written there. */
  patches: [
    // lea type.[]uint8(%rip),%rcx → lea type.string(%rip),%rcx (0xc0dec0 − 0xb48b9c)
    { offset: 0x748b98, expect: [0x64, 0x65, 0x0b, 0x00], write: [0x24, 0x53, 0x0c, 0x00] },
    // mov 0x10(%rdx),%rdx (slice cap) → mov 0x8(%rdx),%rdx (cap = len)
    { offset: 0x748bbd, expect: [0x10], write: [0x08] },
  ],
};

let prepared: Promise<string | undefined> | undefined;

/**
 * The signaling server binary the harness runs: a fixed copy of Debian's broken build when that is what
 * is installed, else the installed binary itself.
 */
export async function signalingBinary(): Promise<string> {
  prepared ??= prepare();
  const dir = await prepared;
  return dir ? path.join(dir, BINARY) : BINARY;
}

/** Whether the installed server is the broken Debian build (so `signalingBinary` returns a fixed copy). */
export async function installedSignalingNeedsSdpFix(): Promise<boolean> {
  prepared ??= prepare();
  return (await prepared) !== undefined;
}

async function prepare(): Promise<string | undefined> {
  const original = which(BINARY);
  if (!original) return undefined;
  const bytes = await readFile(original);
  if (createHash('sha256').update(bytes).digest('hex') !== debianBuggyBuild.sha256) return undefined;
  for (const p of debianBuggyBuild.patches) {
    if (!p.expect.every((b, i) => bytes[p.offset + i] === b)) return undefined;
    p.write.forEach((b, i) => (bytes[p.offset + i] = b));
  }
  const dir = path.join(tmpdir(), `talkrec-signaling-sdp-fix-${debianBuggyBuild.sha256.slice(0, 12)}`);
  const target = path.join(dir, BINARY);
  if (!existsSync(target)) {
    await mkdir(dir, { recursive: true });
    const partial = `${target}.${process.pid}`;
    await writeFile(partial, bytes);
    await chmod(partial, 0o755);
    await rename(partial, target);
  }
  return dir;
}

function which(command: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    const candidate = path.join(dir, command);
    if (dir && existsSync(candidate)) return candidate;
  }
  return undefined;
}
