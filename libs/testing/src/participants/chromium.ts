import { launch, type Browser } from 'puppeteer-core';

/** Debian's Chromium binary (the /usr/bin/chromium wrapper adds flags and breaks here). */
export const CHROMIUM_PATH = '/usr/lib/chromium/chromium';

/** Flags every test Chromium needs here: root, a closed network, media that may play on its own. */
export const testChromiumArgs = [
  '--no-sandbox',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-gpu',
  '--autoplay-policy=no-user-gesture-required',
];

/** For pages that send only loopback candidates (the synthetic participants). */
export const loopbackWebRtcArgs = [
  // Chromium gathers 127.0.0.1 candidates only with this flag.
  '--allow-loopback-in-peer-connection',
  // Host candidates as addresses, not mDNS names (Janus ignores mDNS).
  '--disable-features=WebRtcHideLocalIpsWithMdns',
];

export interface TestChromiumOptions {
  userDataDir: string;
  args?: string[];
  /** Gather loopback host candidates (default true). */
  loopbackWebRtc?: boolean;
}

/** A headless Chromium for tests (pages are measured and screenshotted, not grabbed from a display). */
export function launchTestChromium(options: TestChromiumOptions): Promise<Browser> {
  return launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    userDataDir: options.userDataDir,
    defaultViewport: null,
    ignoreDefaultArgs: ['--enable-automation'],
    args: [
      ...testChromiumArgs,
      ...(options.loopbackWebRtc === false ? [] : loopbackWebRtcArgs),
      ...(options.args ?? []),
    ],
    // Crashpad writes into $HOME/.config even with a user data dir.
    env: { ...process.env, HOME: options.userDataDir },
  });
}
