import { open, type FileHandle } from 'node:fs/promises';
import { AUDIO_CHANNELS, PCM_FRAME_BYTES } from '../../core/audio-codecs.js';
import type { PcmPiece, PcmSource, SampleRef } from '../../core/pcm-plan.js';

const CHUNK_FRAMES = 64 * 1024;

/**
 * Writes the samples a part plan asks for into one raw s16le stereo file, reading the segments' PCM
 * in chunks (segments can be a minute long).
 */
export async function splicePcm(
  pieces: readonly PcmPiece[],
  sources: Partial<Record<PcmSource, string>>,
  target: string,
): Promise<void> {
  const handles = new Map<PcmSource, FileHandle>();
  const out = await open(target, 'w');
  const source = async (s: PcmSource) => {
    let h = handles.get(s);
    if (!h) {
      const file = sources[s];
      if (!file) throw new Error(`the part plan reads the ${s} segment, which has no audio here`);
      h = await open(file, 'r');
      handles.set(s, h);
    }
    return h;
  };
  const sample = async (ref: SampleRef): Promise<number[]> => {
    const buf = Buffer.alloc(PCM_FRAME_BYTES);
    await (await source(ref.source)).read(buf, 0, PCM_FRAME_BYTES, ref.offset * PCM_FRAME_BYTES);
    return Array.from({ length: AUDIO_CHANNELS }, (_, c) => buf.readInt16LE(c * 2));
  };
  try {
    for (const piece of pieces) {
      if (piece.kind === 'copy') {
        const h = await source(piece.source);
        for (let done = 0; done < piece.count;) {
          const frames = Math.min(CHUNK_FRAMES, piece.count - done);
          const buf = Buffer.alloc(frames * PCM_FRAME_BYTES);
          const { bytesRead } = await h.read(buf, 0, buf.length, (piece.offset + done) * PCM_FRAME_BYTES);
          if (bytesRead !== buf.length) {
            throw new Error(`the ${piece.source} segment's PCM is shorter than planned`);
          }
          await out.write(buf);
          done += frames;
        }
      } else if (piece.kind === 'silence') {
        for (let done = 0; done < piece.count;) {
          const frames = Math.min(CHUNK_FRAMES, piece.count - done);
          await out.write(Buffer.alloc(frames * PCM_FRAME_BYTES));
          done += frames;
        }
      } else {
        const [from, to] = [await sample(piece.from), await sample(piece.to)];
        const buf = Buffer.alloc(piece.count * PCM_FRAME_BYTES);
        for (let i = 0; i < piece.count; i++) {
          const t = (piece.skip + i + 1) / (piece.total + 1);
          for (let c = 0; c < AUDIO_CHANNELS; c++) {
            buf.writeInt16LE(Math.round(from[c]! + (to[c]! - from[c]!) * t), (i * AUDIO_CHANNELS + c) * 2);
          }
        }
        await out.write(buf);
      }
    }
  } finally {
    await out.close();
    for (const h of handles.values()) await h.close();
  }
}
