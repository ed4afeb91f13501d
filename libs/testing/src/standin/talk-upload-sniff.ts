import { open } from 'node:fs/promises';

/**
 * The content-based MIME type of a recording, as PHP's finfo (Nextcloud's `detectContent`) reports
 * the formats Talk cares about; anything else is `application/octet-stream`.
 */
export async function sniffMime(file: string): Promise<string> {
  const handle = await open(file, 'r');
  const head = Buffer.alloc(4096);
  let length: number;
  try {
    ({ bytesRead: length } = await handle.read(head, 0, head.length, 0));
  } finally {
    await handle.close();
  }
  return sniffBytes(head.subarray(0, length));
}

export function sniffBytes(head: Buffer): string {
  if (head.length >= 12 && head.toString('latin1', 4, 8) === 'ftyp') {
    const brand = head.toString('latin1', 8, 12);
    return brand === 'M4A ' || brand === 'M4B ' ? 'audio/mp4' : 'video/mp4';
  }
  if (head.length >= 4 && head.readUInt32BE(0) === 0x1a45dfa3) {
    const text = head.toString('latin1', 0, Math.min(head.length, 64));
    if (text.includes('webm')) return 'video/webm';
    if (text.includes('matroska')) return 'video/x-matroska';
  }
  if (head.toString('latin1', 0, 4) === 'OggS') {
    return head.includes(Buffer.from('\x80theora', 'latin1')) ? 'video/ogg' : 'audio/ogg';
  }
  return 'application/octet-stream';
}
