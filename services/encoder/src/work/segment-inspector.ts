import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { inject, injectable } from 'tsyringe';
import type { SegmentRef } from '@talkrec/contracts';
import { Ffmpeg, FfmpegError, type RunOptions } from '../adapters/ffmpeg/ffmpeg.js';
import { AUDIO_RATE, PCM_FRAME_BYTES } from '../core/audio-codecs.js';
import { inspectCommand } from '../core/argv/inspect.js';
import { layoutFromFramecrc, parseFramecrc } from '../core/framecrc.js';
import type { SegmentLayout } from '../core/timeline.js';
import { EncodeError } from './encode-error.js';

export interface ReadSegment {
  file: string;
  /** Its audio as 48 kHz s16le stereo, when it has audio. */
  pcm?: string | undefined;
  layout: SegmentLayout;
}

/** Less than this much of a segment readable means it is broken, not just cut a little short. */
const SHORT_TOLERANCE_S = 0.25;
const SHORT_TOLERANCE_SHARE = 0.1;

export function segmentName(ref: SegmentRef): string {
  return `segment ${ref.index} (${ref.object})`;
}

/** Reads a captured segment on disk: its packet timing and its audio as PCM. Failures name it. */
@injectable()
export class SegmentInspector {
  constructor(@inject(Ffmpeg) private readonly ffmpeg: Ffmpeg) {}

  async inspect(
    ref: SegmentRef,
    file: string,
    dir: string,
    label: string,
    fps: number | undefined,
    run: RunOptions,
  ): Promise<ReadSegment> {
    const crcFile = path.join(dir, `${label}.crc`);
    const pcm = ref.hasAudio ? path.join(dir, `${label}.pcm`) : undefined;
    let errorLines: string[];
    try {
      ({ errorLines } = await this.ffmpeg.run(inspectCommand(file, crcFile, pcm), run));
    } catch (err) {
      if (err instanceof FfmpegError && err.code === 'ffmpeg_failed') {
        throw new EncodeError('segment_corrupt', `${segmentName(ref)}: ffmpeg: ${err.line}`, false, {
          cause: err,
        });
      }
      throw err;
    }
    const samples = pcm ? (await stat(pcm)).size / PCM_FRAME_BYTES : undefined;
    const layout = layoutFromFramecrc(parseFramecrc(await readFile(crcFile, 'utf8')), samples);
    const problem = checkLayout(ref, layout, fps);
    if (problem) {
      const said = errorLines.length ? ` (ffmpeg: ${errorLines.slice(-2).join(' | ')})` : '';
      throw new EncodeError('segment_corrupt', `${segmentName(ref)}: ${problem}${said}`);
    }
    return { file, pcm, layout };
  }
}

/** Streams missing, or much less media than announced (ffmpeg reads a truncated file without failing). */
function checkLayout(ref: SegmentRef, layout: SegmentLayout, fps: number | undefined): string | undefined {
  if (ref.hasVideo && !layout.video) return 'no video stream';
  if (ref.hasAudio && !layout.audio) return 'no audio stream';
  const videoS = layout.video && fps ? layout.video.frames / fps : 0;
  const audioS = layout.audio ? layout.audio.samples / AUDIO_RATE : 0;
  const readable = Math.max(videoS, audioS);
  const expected = ref.durationMs / 1000;
  if (readable < expected - Math.max(SHORT_TOLERANCE_S, expected * SHORT_TOLERANCE_SHARE)) {
    return `only ${readable.toFixed(2)} s of ${expected.toFixed(2)} s readable`;
  }
  return undefined;
}
