import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { inject, injectable } from 'tsyringe';
import { CONTAINER_FILES, type AssembleJob } from '@talkrec/contracts';
import { Ffmpeg, type RunOptions } from '../adapters/ffmpeg/ffmpeg.js';
import { audioTarget } from '../core/audio-codecs.js';
import {
  audioMuxCommands,
  ffconcat,
  posterCommand,
  videoMuxCommand,
  type FinalSources,
} from '../core/argv/final-mux.js';
import type { AssemblyPlan } from '../core/assembly-plan.js';
import { PROBED_AUDIO_CODEC, verifyFinal, type MediaProbe } from '../core/verify.js';
import { joinLossyAudio } from './audio-join.js';
import { EncodeError } from './encode-error.js';

export interface PartFiles {
  video?: string[];
  audio: string[];
}

/** A poster shows the picture a few seconds in, past any black start. */
const POSTER_AT_S = 5;

/** Joins downloaded parts into the delivered file and proves it with ffprobe. */
@injectable()
export class Assembler {
  constructor(@inject(Ffmpeg) private readonly ffmpeg: Ffmpeg) {}

  async assemble(
    job: AssembleJob,
    plan: AssemblyPlan,
    files: PartFiles,
    dir: string,
    run: RunOptions,
  ): Promise<{ file: string; probe: MediaProbe }> {
    const { output } = job;
    const traits = audioTarget(output).traits;
    const sources: FinalSources = { audio: '' };
    if (plan.video && files.video) {
      sources.videoList = path.join(dir, 'video.ffconcat');
      const entries = files.video.map((p, i) => ({ path: p, durationS: plan.video!.durationsS[i]! }));
      await writeFile(sources.videoList, ffconcat(entries));
    }
    if (plan.audio.kind === 'lossy') {
      sources.audio = path.join(dir, `joined.${traits.partExt}`);
      await joinLossyAudio(
        plan.audio.codec,
        files.audio,
        plan.audio.skip,
        plan.audio.take,
        plan.audio.endSample,
        sources.audio,
      );
    } else {
      sources.audio = path.join(dir, 'audio.ffconcat');
      const durations = plan.audio.durationsS;
      await writeFile(
        sources.audio,
        ffconcat(files.audio.map((p, i) => ({ path: p, durationS: durations[i]! }))),
      );
    }
    let file = path.join(dir, `final.${CONTAINER_FILES[output.container].ext}`);
    const commands =
      output.kind === 'video'
        ? [videoMuxCommand(output.container, sources, file)]
        : audioMuxCommands(output, sources, file, path.join(dir, 'gapless.mp4'));
    if (commands.length === 0) file = sources.audio;
    for (const command of commands) await this.ffmpeg.run(command, run);

    const probe = await this.ffmpeg.probe(file, output.kind === 'video');
    const problems = verifyFinal(probe, {
      ...(plan.video
        ? {
            video: {
              width: job.video.width,
              height: job.video.height,
              fps: plan.video.fps,
              frames: plan.video.frames,
            },
          }
        : {}),
      audioCodec: PROBED_AUDIO_CODEC[traits.codec]!,
      durationS: plan.expectedDurationS,
      toleranceS: plan.toleranceS,
    });
    if (problems.length) {
      throw new EncodeError('verify_failed', `the assembled file is wrong: ${problems.join('; ')}`);
    }
    return { file, probe };
  }

  async poster(file: string, durationS: number, dir: string, run: RunOptions): Promise<string> {
    const target = path.join(dir, 'poster.jpg');
    await this.ffmpeg.run(posterCommand(file, Math.min(POSTER_AT_S, durationS / 2), target), run);
    return target;
  }
}
