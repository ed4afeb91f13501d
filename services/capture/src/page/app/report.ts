import type { Log } from '@talkrec/signaling-web';
import type { PageReport, ParticipantInfo } from '../protocol.js';

declare global {
  interface Window {
    /** Exposed by capture (puppeteer `exposeFunction`); absent when the page is opened by hand. */
    talkrecReport?: (report: PageReport) => Promise<void> | void;
  }
}

/** Sends reports to capture, each `participants` and `media` state only when it changed. */
export class Reporter {
  private lastParticipants = '';
  private lastFlowing: boolean | undefined;

  send(report: PageReport): void {
    try {
      void Promise.resolve(window.talkrecReport?.(report)).catch(() => undefined);
    } catch {
      // Capture went away (page closing): nothing left to tell.
    }
  }

  participants(list: ParticipantInfo[]): void {
    const json = JSON.stringify(list);
    if (json === this.lastParticipants) return;
    this.lastParticipants = json;
    this.send({ type: 'participants', participants: list });
  }

  /** Reports `flowing: false` only after media flowed: before that, nothing has stopped. */
  media(flowing: boolean): void {
    if (flowing === (this.lastFlowing ?? false)) return;
    this.lastFlowing = flowing;
    this.send({ type: 'media', flowing });
  }

  /** The signaling lib's diagnostics, as `log` reports. */
  log(): Log {
    const at = (level: 'debug' | 'info' | 'warn') => (message: string, fields?: Record<string, unknown>) =>
      this.send({ type: 'log', level, message: fields ? `${message} ${JSON.stringify(fields)}` : message });
    return { debug: at('debug'), info: at('info'), warn: at('warn') };
  }
}
