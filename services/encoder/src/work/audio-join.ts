import { open, readFile } from 'node:fs/promises';
import type { LossyPartMeta } from '../core/part-meta.js';
import { splitAdts } from '../core/bitstream/adts.js';
import { splitMp3 } from '../core/bitstream/mp3.js';
import { readOggPackets } from '../core/bitstream/ogg.js';
import { OggOpusWriter, parseOpusHead } from '../core/bitstream/opus.js';
import { EncodeError } from './encode-error.js';

const OGG_SERIAL = 0x7461_6c6b;

/**
 * Joins the parts' packets (`take` of each after skipping `skip`) into one stream: ADTS and MP3 frames back to back, Opus packets into one
 * new Ogg stream (the first part's header and pre-skip, granules counted across all parts, the end
 * trimmed to `endSample`). Reads and writes one part at a time.
 */
export async function joinLossyAudio(
  codec: LossyPartMeta['codec'],
  files: readonly string[],
  skip: readonly number[],
  take: readonly number[],
  endSample: number,
  target: string,
): Promise<void> {
  const out = await open(target, 'w');
  try {
    let writer: OggOpusWriter | undefined;
    let preSkip = 0;
    for (const [i, file] of files.entries()) {
      const data = await readFile(file);
      let packets: Uint8Array[];
      if (codec === 'opus') {
        const [head, , ...rest] = readOggPackets(data);
        if (!writer) {
          const parsed = parseOpusHead(head ?? new Uint8Array());
          preSkip = parsed.preSkip;
          writer = new OggOpusWriter(OGG_SERIAL);
          for (const page of writer.begin(parsed, 'talkrec')) await out.write(page);
        }
        packets = rest;
      } else {
        packets = codec === 'aac' ? splitAdts(data) : splitMp3(data);
      }
      const from = skip[i] ?? 0;
      const to = from + (take[i] ?? 0);
      if (packets.length < to) {
        throw new EncodeError('part_corrupt', `audio part ${i} holds ${packets.length} frames, ${to} needed`);
      }
      // One write per part: a write per packet (~47 a second of audio) cost seconds on long recordings.
      const pages: Uint8Array[] = [];
      for (const p of packets.slice(from, to)) {
        const page = writer ? writer.push(p) : p;
        if (page) pages.push(page);
      }
      await out.write(Buffer.concat(pages));
    }
    if (writer) await out.write(writer.end(BigInt(endSample + preSkip)));
  } finally {
    await out.close();
  }
}
