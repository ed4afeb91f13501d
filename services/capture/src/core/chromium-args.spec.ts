import { describe, expect, it } from 'vitest';
import { buildChromiumArgs } from './chromium-args.js';

describe('buildChromiumArgs', () => {
  it('opens a kiosk window of the grab size that autoplays and stays off the network', () => {
    expect(buildChromiumArgs({ width: 1920, height: 1080, noSandbox: true })).toEqual([
      '--no-sandbox',
      '--kiosk',
      '--window-position=0,0',
      '--window-size=1920,1080',
      '--hide-scrollbars',
      '--autoplay-policy=no-user-gesture-required',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--no-default-browser-check',
      '--disable-gpu',
      '--in-process-gpu',
      '--enable-features=NetworkServiceInProcess2',
      '--disable-features=WebRtcHideLocalIpsWithMdns,SpareRendererForSitePerProcess,PreloadTopChromeWebUI,AudioServiceOutOfProcess',
      '--allow-loopback-in-peer-connection',
    ]);
  });

  it('keeps the sandbox unless told otherwise', () => {
    expect(buildChromiumArgs({ width: 640, height: 360, noSandbox: false })).not.toContain('--no-sandbox');
  });
});
