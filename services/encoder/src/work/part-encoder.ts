import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { inject, injectable } from 'tsyringe';
import { TOKENS } from '@talkrec/platform';
import type { EncodeSegmentJob } from '@talkrec/contracts';
import type { EncoderConfig } from '../config.js';
import { Ffmpeg, type RunOptions } from '../adapters/ffmpeg/ffmpeg.js';
import { splicePcm } from '../adapters/pcm/pcm-splicer.js';
import { audioPartCommand } from '../core/argv/audio-part.js';
import { videoPartCommand } from '../core/argv/video-part.js';
import { splitAdts } from '../core/bitstream/adts.js';
import { splitMp3 } from '../core/bitstream/mp3.js';
import { concatBytes, readOggPackets } from '../core/bitstream/ogg.js';
import { OggOpusWriter, parseOpusHead } from '../core/bitstream/opus.js';
import { keepPartPackets, PlanError, type LossyAudioPartPlan, type PartPlan } from '../core/part-plan.js';
import type { PartMeta } from '../core/part-meta.js';
import type { ReadSegment } from './segment-inspector.js';

export interface EncodedFile {
  file: string;
  meta: PartMeta;
}

export interface EncodedPart {
  video?: EncodedFile;
  audio: EncodedFile;
}

/** Makes the files of one part from its plan and the segments it reads. */
@injectable()
export class PartEncoder {
  constructor(
    @inject(TOKENS.Config) private readonly config: EncoderConfig,
    @inject(Ffmpeg) private readonly ffmpeg: Ffmpeg,
  ) {}

  async encode(
    job: EncodeSegmentJob,
    plan: PartPlan,
    segments: { current: ReadSegment; previous?: ReadSegment | undefined },
    dir: string,
    key: string,
    run: RunOptions,
  ): Promise<EncodedPart> {
    const pcm = path.join(dir, 'part.pcm');
    await splicePcm(
      plan.audio.pieces,
      { current: segments.current.pcm, previous: segments.previous?.pcm },
      pcm,
    );
    const audioPlan = plan.audio;
    const encoded = path.join(
      dir,
      `encoded.${audioPlan.kind === 'lossy' ? audioPlan.codec.partExt : audioPlan.codec}`,
    );
    let video: EncodedFile | undefined;
    if (plan.video) {
      if (job.output.kind !== 'video' || audioPlan.kind !== 'lossy') {
        throw new PlanError('plan_invalid', 'a video part is planned for a video recording, with AAC');
      }
      const file = path.join(dir, 'part.video.mp4');
      const x264 = { preset: job.output.preset, crf: job.output.crf, threads: this.config.ENCODE_THREADS };
      const audio = { pcm, kbps: audioPlan.kbps, target: encoded };
      await this.ffmpeg.run(videoPartCommand(segments.current.file, plan.video, x264, file, audio), run);
      const { startFrame, endFrame, fps } = plan.video;
      video = { file, meta: { kind: 'video', key, startFrame, endFrame, fps } };
    } else {
      const kbps = audioPlan.kind === 'lossy' ? audioPlan.kbps : 0;
      const codec = audioPlan.kind === 'lossy' ? audioPlan.codec.codec : audioPlan.codec;
      await this.ffmpeg.run(audioPartCommand(codec, pcm, kbps, encoded), run);
    }
    if (audioPlan.kind === 'lossless') {
      const meta: PartMeta = {
        kind: 'audio-lossless',
        key,
        codec: audioPlan.codec,
        startSample: audioPlan.start,
        endSample: audioPlan.end,
      };
      return { ...(video ? { video } : {}), audio: { file: encoded, meta } };
    }
    const file = path.join(dir, `part.audio.${audioPlan.codec.partExt}`);
    await writeFile(file, keepOwnPackets(audioPlan, await readFile(encoded)));
    const meta: PartMeta = {
      kind: 'audio-lossy',
      key,
      codec: audioPlan.codec.codec,
      firstFrame: audioPlan.firstFrame,
      ownedEnd: audioPlan.ownedEnd,
      tailEnd: audioPlan.tailEnd,
      sampleEnd: audioPlan.sampleEnd,
    };
    return { ...(video ? { video } : {}), audio: { file, meta } };
  }
}

/** The part's own packets, in the same format the encoder wrote (so each part file stays playable). */
function keepOwnPackets(plan: LossyAudioPartPlan, encoded: Uint8Array): Uint8Array {
  switch (plan.codec.codec) {
    case 'aac':
      return concatBytes(keepPartPackets(plan, splitAdts(encoded)));
    case 'mp3':
      return concatBytes(keepPartPackets(plan, splitMp3(encoded)));
    case 'opus': {
      const [head, , ...packets] = readOggPackets(encoded);
      const opusHead = parseOpusHead(head ?? new Uint8Array());
      if (opusHead.preSkip !== plan.codec.delaySamples) {
        throw new PlanError(
          'encoder_delay_changed',
          `libopus pre-skip is ${opusHead.preSkip}, expected ${plan.codec.delaySamples}`,
        );
      }
      const writer = new OggOpusWriter(1);
      const pages = writer.begin(opusHead, 'talkrec part');
      const kept = keepPartPackets(plan, packets);
      for (const p of kept) {
        const page = writer.push(p);
        if (page) pages.push(page);
      }
      pages.push(writer.end(BigInt(kept.length * plan.codec.frameSamples)));
      return concatBytes(pages);
    }
  }
}
