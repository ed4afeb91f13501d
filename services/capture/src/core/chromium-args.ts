export interface ChromiumArgsInput {
  width: number;
  height: number;
  /** Run without Chromium's sandbox (mandatory as root). */
  noSandbox: boolean;
}

/**
 * Flags for the recording browser on Xvfb, on top of puppeteer's defaults (which already disable
 * background networking, sync, first-run and crash reporting, minus `--enable-automation`, which the
 * launcher drops because it shows an infobar even in kiosk mode).
 */
export function buildChromiumArgs(input: ChromiumArgsInput): string[] {
  return [
    ...(input.noSandbox ? ['--no-sandbox'] : []),
    '--kiosk',
    '--window-position=0,0',
    `--window-size=${input.width},${input.height}`,
    '--hide-scrollbars',
    // The page plays remote audio without a user gesture and without getUserMedia; without this flag
    // every <audio> stays paused and the recording is silent.
    '--autoplay-policy=no-user-gesture-required',
    // Closed network: nothing may phone home or wait for a component update.
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--no-first-run',
    '--no-default-browser-check',
    // Fewer processes: no GPU process (there is no GPU; compositing is software anyway), the audio and
    // network services in the browser process, no spare renderer and no preloaded tab-search WebUI.
    // Saves about 380 MB of summed RSS and 4 of 11 processes (measured, README).
    '--disable-gpu',
    '--in-process-gpu',
    '--enable-features=NetworkServiceInProcess2',
    // A recorder is a server: it offers its real host candidates to the SFU (signaling 2.1+ and Janus
    // with ignore_mdns drop mDNS candidates), including loopback when the SFU is on the same host.
    '--disable-features=WebRtcHideLocalIpsWithMdns,SpareRendererForSitePerProcess,PreloadTopChromeWebUI,AudioServiceOutOfProcess',
    '--allow-loopback-in-peer-connection',
  ];
}
