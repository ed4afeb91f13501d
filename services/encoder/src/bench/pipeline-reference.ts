import { spawn, type ChildProcess } from 'node:child_process';
import { openSync, closeSync } from 'node:fs';
import { readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { CHROMIUM_PATH, testChromiumArgs } from '@talkrec/testing';
import type { Ffmpeg } from '../adapters/ffmpeg/ffmpeg.js';
import { RUN_OPTIONS, toArgv, type FfmpegCommand } from '../core/argv/command.js';

/**
 * The lossless reference every recorder in pipeline.bench.ts encodes: a call-like page in Chromium on
 * Xvfb, grabbed once, so that all of them see exactly the same frames.
 *
 * The page is laid out for 1280×720 CSS pixels and drawn at device scale 1.5, so the 1080p grab is the
 * official recorder's window and its 720p downscale is what a 720p window of the same layout shows
 * (one grab instead of two: the box has two cores and the grab must keep real time). The grab is
 * libx264rgb -qp 0 (cheap enough to keep up); it is then unpacked once into raw yuv420p files (the
 * 720p one bicubic-scaled), which cost next to nothing to read, so the recorders' runs measure
 * encoding, not decoding a lossless codec.
 */
export interface Reference {
  fps: number;
  frames: number;
  /** Raw yuv420p in NUT, 1920×1080 and 1280×720. */
  hd: string;
  sd: string;
  /** 48 kHz s16le stereo: 440 Hz left, 1000 Hz right. */
  audio: string;
  /** Where the pictures came from, for the notes. */
  origin: string;
}

export const HD = { width: 1920, height: 1080 };
export const SD = { width: 1280, height: 720 };
const READY_RGB = [0x2a, 0x2d, 0x33];

/**
 * Two 8 s "camera" clips, looped by the page: noisy moving pictures as WebRTC delivers them (H.264
 * Constrained Baseline, 600k). x264 makes them in a fifth of libvpx's time.
 */
function clipCommands(dir: string, fps: number): FfmpegCommand[] {
  const person =
    `gradients=s=640x360:r=${fps}:c0=0x3a5f8a:c1=0x8a6a3a:c2=0x2f6b4f:speed=0.015:seed=7,format=yuv420p,` +
    `drawbox=x='250+40*sin(t*1.3)':y='90+10*sin(t*2.1)':w=140:h=170:color=0xd9a577:t=fill,` +
    `drawbox=x='200+40*sin(t*1.3)':y='250+6*sin(t*2.1)':w=240:h=110:color=0x404a66:t=fill,noise=alls=10:allf=t`;
  const detail = `mandelbrot=s=640x360:r=${fps}:start_scale=2:end_scale=0.5:end_pts=240,format=yuv420p,hue=s=0.6,noise=alls=8:allf=t`;
  return [person, detail].map((source, i) => ({
    inputs: [{ options: [...RUN_OPTIONS, '-f', 'lavfi'], source }],
    outputs: [
      {
        options: ['-t', '8', '-c:v', 'libx264', '-preset', 'ultrafast', '-b:v', '600k', '-f', 'mp4'],
        target: path.join(dir, `cam${i}.mp4`),
      },
    ],
  }));
}

const PAGE = `<!doctype html>
<html><head><meta charset="utf-8"><style>
html,body{margin:0;width:1280px;height:720px;overflow:hidden;background:#000;color:#fff;font-family:'DejaVu Sans',sans-serif}
body.ready{background:#1b1d21}
#bar{position:absolute;left:0;top:0;width:1280px;height:44px;background:#000;display:flex;align-items:center;gap:16px;padding:0 16px;box-sizing:border-box;font-size:16px}
body.ready #bar{background:#2a2d33}
#bar b{margin-right:8px}#clock{margin-left:auto}
.tile{position:absolute;top:120px;width:600px;height:338px;border-radius:12px;overflow:hidden;outline:3px solid transparent}
.tile video{width:100%;height:100%;object-fit:cover;display:block}
.tile span{position:absolute;left:12px;bottom:10px;background:rgba(0,0,0,.55);padding:4px 10px;border-radius:6px;font-size:15px}
.tile.speaking{outline-color:#3b9cff}
#a{left:27px;background:#3a5f8a}#b{left:653px;background:#8a3a5f}
#foot{position:absolute;left:0;top:640px;width:1280px;height:56px;text-align:center}
#foot i{display:inline-block;width:44px;height:44px;margin:0 9px;border-radius:22px;background:#3d4149}
#foot i.end{width:64px;background:#d8413a}
</style></head><body>
<div id="bar"><b>Weekly sync</b><span id="elapsed">00:00</span><span id="clock"></span></div>
<div class="tile" id="a"><video src="cam0.mp4" autoplay muted loop></video><span>Alice Example</span></div>
<div class="tile" id="b"><video src="cam1.mp4" autoplay muted loop></video><span>Bob Sample</span></div>
<div id="foot"><i></i><i></i><i></i><i class="end"></i></div>
<script>
const t0 = Date.now();
const pad = (n) => String(n).padStart(2, '0');
function tick() {
  const d = new Date();
  document.getElementById('clock').textContent =
    pad(d.getHours()) + ':' + pad(d.getMinutes()) + ':' + pad(d.getSeconds()) + '.' + Math.floor(d.getMilliseconds() / 100);
  const s = Math.floor((Date.now() - t0) / 1000);
  document.getElementById('elapsed').textContent = pad(Math.floor(s / 60)) + ':' + pad(s % 60);
  const who = Math.floor(s / 4) % 2;
  document.getElementById('a').classList.toggle('speaking', who === 0);
  document.getElementById('b').classList.toggle('speaking', who === 1);
}
setInterval(tick, 100);
tick();
Promise.all([...document.querySelectorAll('video')].map((v) => new Promise((ok) => {
  if (!v.paused && v.readyState >= 3) ok(); else v.addEventListener('playing', ok, { once: true });
}))).then(() => document.body.classList.add('ready'));
</script></body></html>
`;

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

async function stop(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
  await exited(child);
  clearTimeout(timer);
}

/** Xvfb on the first free display it finds itself (`-displayfd`), so runs never collide. */
async function startXvfb(log: string): Promise<{ xvfb: ChildProcess; display: string }> {
  const fd = openSync(log, 'a');
  const xvfb = spawn(
    'Xvfb',
    ['-displayfd', '1', '-screen', '0', `${HD.width}x${HD.height}x24`, '-nolisten', 'tcp', '-noreset'],
    { stdio: ['ignore', 'pipe', fd] },
  );
  closeSync(fd);
  const lines = createInterface({ input: xvfb.stdout! });
  const display = await Promise.race([
    new Promise<string>((resolve) => lines.once('line', (l) => resolve(`:${l.trim()}`))),
    exited(xvfb).then(() => {
      throw new Error(`Xvfb exited during start (see ${log})`);
    }),
  ]);
  lines.close();
  return { xvfb, display };
}

/** The colour of the window's top-left pixel, grabbed. */
async function topLeftPixel(ffmpeg: Ffmpeg, display: string, file: string): Promise<number[]> {
  await ffmpeg.run({
    inputs: [
      { options: [...RUN_OPTIONS, '-f', 'x11grab', '-video_size', '1x1'], source: `${display}.0+0,0` },
    ],
    outputs: [{ options: ['-frames:v', '1', '-pix_fmt', 'rgb24', '-f', 'rawvideo'], target: file }],
  });
  return [...(await readFile(file))];
}

/** The page paints its top bar once both clips play: nothing to await but the screen itself. */
async function pageReady(ffmpeg: Ffmpeg, display: string, dir: string, browser: ChildProcess): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const rgb = await topLeftPixel(ffmpeg, display, path.join(dir, 'pixel.rgb'));
    if (READY_RGB.every((c, i) => Math.abs(c - (rgb[i] ?? -99)) <= 2)) return;
    if (browser.exitCode !== null) throw new Error('Chromium exited before the page was ready');
    if (Date.now() > deadline) throw new Error(`the call page did not get ready (pixel ${rgb.join(',')})`);
    await new Promise((r) => setTimeout(r, 300));
  }
}

/** Grabs the display losslessly; resolves with the number of frames ffmpeg had to repeat. */
function grab(display: string, fps: number, frames: number, target: string): Promise<number> {
  const command: FfmpegCommand = {
    inputs: [
      {
        options: [
          ...RUN_OPTIONS,
          '-f',
          'x11grab',
          '-draw_mouse',
          '0',
          '-framerate',
          String(fps),
          '-video_size',
          `${HD.width}x${HD.height}`,
        ],
        source: `${display}.0`,
      },
    ],
    outputs: [
      {
        options: [
          '-frames:v',
          String(frames),
          '-fps_mode',
          'cfr',
          '-r',
          String(fps),
          '-c:v',
          'libx264rgb',
          '-preset',
          'ultrafast',
          '-qp',
          '0',
          '-f',
          'matroska',
        ],
        target,
      },
    ],
  };
  // Spawned here rather than through the adapter: the repeated-frame count is only in ffmpeg's progress.
  const child = spawn('ffmpeg', toArgv(command), { stdio: ['ignore', 'ignore', 'pipe'] });
  let repeated = 0;
  const said: string[] = [];
  createInterface({ input: child.stderr }).on('line', (line) => {
    const dup = /^dup_frames=(\d+)/.exec(line);
    if (dup) repeated = Number(dup[1]);
    else if (!line.includes('=')) said.push(line);
  });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) =>
      code === 0
        ? resolve(repeated)
        : reject(new Error(`grab failed (${code}): ${said.slice(-3).join(' | ')}`)),
    );
  });
}

/** The page's scene drawn by ffmpeg: the same clips, names, clock and speaker outline, frame-exact. */
function sceneFilter(fps: number): string {
  const font = `font='DejaVu Sans':fontcolor=white`;
  const label = `fontsize=22:box=1:boxcolor=black@0.55:boxborderw=8`;
  const outline = (x: number, when: string) =>
    `drawbox=x=${x}:y=176:w=908:h=515:color=0x3b9cff:t=4:enable='${when}(mod(t,8),4)'`;
  const button = (x: number, w: number, colour: string) =>
    `drawbox=x=${x}:y=970:w=${w}:h=66:color=${colour}:t=fill`;
  return [
    '[0:v]scale=900:507,setsar=1[a]',
    '[1:v]scale=900:507,setsar=1[b]',
    `color=c=0x1b1d21:s=${HD.width}x${HD.height}:r=${fps},format=yuv420p,` +
      `drawbox=x=0:y=0:w=${HD.width}:h=66:color=0x2a2d33:t=fill,${outline(36, 'lt')},${outline(976, 'gte')}[bg]`,
    '[bg][a]overlay=x=40:y=180[ta]',
    `[ta][b]overlay=x=980:y=180,drawtext=${font}:text='Weekly sync':x=27:y=20:fontsize=24,` +
      `drawtext=${font}:text='%{pts\\:hms}':x=1700:y=20:fontsize=24,` +
      `drawtext=${font}:text='Alice Example':x=60:y=640:${label},` +
      `drawtext=${font}:text='Bob Sample':x=1000:y=640:${label},` +
      `${button(807, 66, '0x3d4149')},${button(900, 66, '0x3d4149')},${button(993, 96, '0xd8413a')}[hd0]`,
  ].join(';');
}

/** A grab that repeats more frames than this did not keep real time: the box is too busy for it. */
const MAX_REPEATED_SHARE = 0.1;
const PROBE_S = 3;

/**
 * Makes the reference. `withWindow` gets the live display after the grab (measurements that need the
 * window, kept out of the grab so that it keeps real time). When Chromium and the grab cannot keep real
 * time on this box (checked with a short grab first, then on the real one), the same scene is drawn by
 * ffmpeg instead, which needs no real time.
 */
export async function makeReference(
  ffmpeg: Ffmpeg,
  dir: string,
  seconds: number,
  fps: number,
  withWindow: (display: string) => Promise<void>,
  log: (text: string) => void,
): Promise<Reference> {
  const frames = Math.round(seconds * fps);
  const audio = path.join(dir, 'tones.wav');
  await Promise.all([
    ...clipCommands(dir, fps).map((c) => ffmpeg.run(c)),
    writeFile(path.join(dir, 'page.html'), PAGE),
    ffmpeg.run({
      inputs: [
        {
          options: [...RUN_OPTIONS, '-f', 'lavfi'],
          source: 'aevalsrc=0.25*sin(2*PI*440*t)|0.25*sin(2*PI*1000*t):s=48000:c=stereo',
        },
      ],
      outputs: [{ options: ['-t', String(seconds), '-c:a', 'pcm_s16le', '-f', 'wav'], target: audio }],
    }),
  ]);
  log('clips, page and tones written');

  const grabbed = path.join(dir, 'grab.mkv');
  let xvfb: ChildProcess | undefined;
  let browser: ChildProcess | undefined;
  let kept: { repeated: number; of: number } | undefined;
  let origin: string;
  try {
    const started = await startXvfb(path.join(dir, 'xvfb.log'));
    xvfb = started.xvfb;
    const profile = path.join(dir, 'chromium');
    const fd = openSync(path.join(dir, 'chromium.log'), 'a');
    browser = spawn(
      CHROMIUM_PATH,
      [
        ...testChromiumArgs,
        `--user-data-dir=${profile}`,
        '--kiosk',
        '--window-position=0,0',
        `--window-size=${HD.width},${HD.height}`,
        `--force-device-scale-factor=${HD.height / SD.height}`,
        '--hide-scrollbars',
        '--noerrdialogs',
        '--disable-infobars',
        `file://${path.join(dir, 'page.html')}`,
      ],
      // Crashpad writes into $HOME/.config even with a user data dir.
      { stdio: ['ignore', fd, fd], env: { ...process.env, DISPLAY: started.display, HOME: profile } },
    );
    closeSync(fd);
    await pageReady(ffmpeg, started.display, dir, browser);
    const probe = { repeated: await grab(started.display, fps, PROBE_S * fps, grabbed), of: PROBE_S * fps };
    kept = probe;
    if (probe.repeated <= probe.of * MAX_REPEATED_SHARE) {
      log('page ready, grabbing');
      kept = { repeated: await grab(started.display, fps, frames, grabbed), of: frames };
    }
    log(`grab repeated ${kept.repeated} of ${kept.of} frames`);
    await withWindow(started.display);
  } finally {
    await stop(browser);
    await stop(xvfb);
  }

  const hd = path.join(dir, 'ref-1080p.nut');
  const sd = path.join(dir, 'ref-720p.nut');
  const raw = (label: string, target: string) => ({
    options: ['-map', `[${label}]`, '-frames:v', String(frames), '-c:v', 'rawvideo', '-f', 'nut'],
    target,
  });
  // Scaling after the conversion to yuv420p works on half the samples of planar RGB.
  const toSd = `[hd0]split=2[hd][x];[x]scale=${SD.width}:${SD.height}[sd]`;
  if (kept.repeated <= kept.of * MAX_REPEATED_SHARE) {
    origin =
      `Chromium on Xvfb (2 looping H.264 camera tiles, names, ticking clock) grabbed lossless at 1080p ` +
      `in real time (${kept.repeated} of ${kept.of} frames repeated)`;
    await ffmpeg.run({
      inputs: [{ options: [...RUN_OPTIONS], source: grabbed }],
      filterComplex: `[0:v]format=yuv420p[hd0];${toSd}`,
      outputs: [raw('hd', hd), raw('sd', sd)],
    });
  } else {
    origin =
      `lavfi drawing of the call page (its 2 camera clips, names, ticking clock, speaker outline) at 1080p: ` +
      `the real-time Chromium grab repeated ${kept.repeated} of ${kept.of} frames on this busy box`;
    await ffmpeg.run({
      inputs: [0, 1].map((i) => ({
        options: [...(i ? [] : RUN_OPTIONS), '-stream_loop', '-1'],
        source: path.join(dir, `cam${i}.mp4`),
      })),
      filterComplex: `${sceneFilter(fps)};${toSd}`,
      outputs: [raw('hd', hd), raw('sd', sd)],
    });
  }
  await rm(grabbed, { force: true });
  log('raw references written');
  return { fps, frames, hd, sd, audio, origin };
}

/** Mean SSIM ("All", as ffmpeg's ssim filter reports it) of `file` against `reference`, and the frames compared. */
export async function ssim(
  ffmpeg: Ffmpeg,
  fps: number,
  file: string,
  reference: string,
  stats: string,
): Promise<{ all: number; frames: number }> {
  await ffmpeg.run({
    inputs: [
      { options: [...RUN_OPTIONS], source: file },
      { options: [], source: reference },
    ],
    // Frame n against frame n: every recorder keeps the constant 30 fps, but WebM's millisecond
    // timestamps would otherwise pair frames off by one at the end.
    filterComplex: `[0:v]setpts=N/(${fps}*TB)[a];[1:v]setpts=N/(${fps}*TB)[b];[a][b]ssim=stats_file=${stats}:shortest=1[o]`,
    outputs: [{ options: ['-map', '[o]', '-f', 'null'], target: '/dev/null' }],
  });
  const values = (await readFile(stats, 'utf8'))
    .split('\n')
    .map((line) => /All:([\d.]+)/.exec(line)?.[1])
    .filter((v): v is string => v !== undefined)
    .map(Number);
  return { all: values.reduce((a, v) => a + v, 0) / values.length, frames: values.length };
}
