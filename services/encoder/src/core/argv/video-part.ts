import type { X264Preset } from '@talkrec/contracts';
import { aacOutput, pcmInput } from './audio-part.js';
import type { VideoPartPlan } from '../part-plan.js';
import { RUN_OPTIONS, threadOptions, type FfmpegCommand } from './command.js';

export interface X264Settings {
  preset: X264Preset;
  crf: number;
  /** 0 = ffmpeg decides. */
  threads: number;
}

/**
 * One part's video: H.264 that starts with an IDR frame and has exactly the part's frame count at a
 * constant rate, so parts join by stream copy. `fps` makes the timing constant, `trim` drops frames the
 * previous part already has, `tpad` adds the gap filler in front and repeats the last frame until
 * `-frames:v` is reached if the segment came up short. The part's AAC is encoded by the same run
 * (one ffmpeg start less per part: each costs ~0.15 CPU-s here).
 */
export function videoPartCommand(
  segment: string,
  plan: VideoPartPlan,
  x264: X264Settings,
  target: string,
  audio: { pcm: string; kbps: number; target: string },
): FfmpegCommand {
  const steps = [`fps=${plan.fps}`];
  if (plan.trimFrames > 0) steps.push(`trim=start_frame=${plan.trimFrames}`);
  steps.push('setpts=PTS-STARTPTS', `scale=${plan.width}:${plan.height}`, 'setsar=1', 'format=yuv420p');
  const front =
    plan.padFrames > 0
      ? `start=${plan.padFrames}:start_mode=${plan.pad === 'black' ? 'add:color=black' : 'clone'}:`
      : '';
  steps.push(`tpad=${front}stop=-1:stop_mode=clone`);
  const threads = threadOptions(x264.threads);
  return {
    inputs: [
      {
        options: [
          ...RUN_OPTIONS,
          ...(x264.threads > 0 ? ['-filter_threads', String(x264.threads)] : []),
          ...threads,
        ],
        source: segment,
      },
      pcmInput(audio.pcm, false),
    ],
    filterComplex: `[0:v:0]${steps.join(',')}[v]`,
    outputs: [
      {
        options: [
          '-map',
          '[v]',
          '-frames:v',
          String(plan.endFrame - plan.startFrame),
          '-an',
          '-c:v',
          'libx264',
          '-preset',
          x264.preset,
          '-crf',
          String(x264.crf),
          '-pix_fmt',
          'yuv420p',
          ...threads,
          '-f',
          'mp4',
        ],
        target,
      },
      aacOutput(1, audio.kbps, audio.target),
    ],
  };
}
