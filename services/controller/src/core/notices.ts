import { TALK_CHAT_MAX_LENGTH, type AnnounceNotice, type Trigger } from '@talkrec/contracts';
import { ruleKind, type RuleKind } from './rules.js';

/** Languages the notices are written in. */
export const LANGUAGES = ['en', 'de'] as const;
export type Language = (typeof LANGUAGES)[number];

type Delivered = Extract<AnnounceNotice, { kind: 'delivered' }>;

interface Catalogue {
  startedByRule(why: string): string;
  ruleWhy: Record<RuleKind, (rule: string) => string>;
  startedInTalk(actor: string): string;
  startedByAdmin: string;
  stopped: string;
  failed: string;
  readyLink(link: string): string;
  readyShared(file: string): string;
  readyAt(location: string): string;
  readyLocal(file: string): string;
}

const CATALOGUES: Record<Language, Catalogue> = {
  en: {
    startedByRule: (why) => `This call is being recorded automatically (${why}).`,
    ruleWhy: {
      room: () => 'a recording rule for this conversation',
      all: () => 'all calls on this server are recorded',
      list: () => 'this conversation is on the list of recorded conversations',
      other: (rule) => `rule: ${rule}`,
    },
    startedInTalk: (actor) => `This call is being recorded (started in Talk by ${actor}).`,
    startedByAdmin: 'This call is being recorded (started by an administrator).',
    stopped: 'The recording of this call has stopped.',
    failed: 'The recording of this call could not be completed.',
    readyLink: (link) => `The recording is ready: ${link}`,
    readyShared: (file) => `The recording is ready and shared in this conversation: ${file}`,
    readyAt: (location) => `The recording is ready: ${location}`,
    readyLocal: (file) => `The recording is ready; it was saved on the recording server as ${file}.`,
  },
  de: {
    startedByRule: (why) => `Dieser Anruf wird automatisch aufgezeichnet (${why}).`,
    ruleWhy: {
      room: () => 'eine Aufzeichnungsregel für diese Unterhaltung',
      all: () => 'alle Anrufe auf diesem Server werden aufgezeichnet',
      list: () => 'diese Unterhaltung steht auf der Liste der aufgezeichneten Unterhaltungen',
      other: (rule) => `Regel: ${rule}`,
    },
    startedInTalk: (actor) => `Dieser Anruf wird aufgezeichnet (in Talk gestartet von ${actor}).`,
    startedByAdmin: 'Dieser Anruf wird aufgezeichnet (von der Administration gestartet).',
    stopped: 'Die Aufzeichnung dieses Anrufs wurde beendet.',
    failed: 'Die Aufzeichnung dieses Anrufs konnte nicht abgeschlossen werden.',
    readyLink: (link) => `Die Aufzeichnung ist fertig: ${link}`,
    readyShared: (file) => `Die Aufzeichnung ist fertig und in dieser Unterhaltung geteilt: ${file}`,
    readyAt: (location) => `Die Aufzeichnung ist fertig: ${location}`,
    readyLocal: (file) =>
      `Die Aufzeichnung ist fertig; sie wurde auf dem Aufzeichnungsserver als ${file} gespeichert.`,
  },
};

/** Talk renders chat messages as Markdown: names go into code spans, which cannot hold a backtick. */
const code = (value: string) => `\`${value.replace(/`/g, "'")}\``;
const linkText = (value: string) => value.replace(/[[\]\\]/g, (c) => `\\${c}`);
const linkTarget = (url: string) =>
  url.replace(/[()\s]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`);

function started(c: Catalogue, trigger: Trigger): string {
  switch (trigger.kind) {
    case 'rule':
      return c.startedByRule(c.ruleWhy[ruleKind(trigger.rule)](trigger.rule));
    case 'talk':
      return c.startedInTalk(trigger.actor.id);
    case 'admin':
      return c.startedByAdmin;
  }
}

function delivered(c: Catalogue, n: Delivered): string {
  if (n.url) return c.readyLink(`[${linkText(n.fileName)}](${linkTarget(n.url)})`);
  if (n.sharedToRoom) return c.readyShared(code(n.fileName));
  // A path on the uploader's disk means nothing to the people in the call; the name tells the admin which.
  if (n.target === 'local') return c.readyLocal(code(n.fileName));
  return c.readyAt(code(n.location));
}

/** The chat message for a notice, in the given language, within Talk's length limit. */
export function renderNotice(notice: AnnounceNotice, language: Language): string {
  const c = CATALOGUES[language];
  let text: string;
  switch (notice.kind) {
    case 'started':
      text = started(c, notice.trigger);
      break;
    case 'stopped':
      text = c.stopped;
      break;
    case 'failed':
      text = c.failed;
      break;
    case 'delivered':
      text = delivered(c, notice);
      break;
  }
  return text.length > TALK_CHAT_MAX_LENGTH ? `${text.slice(0, TALK_CHAT_MAX_LENGTH - 1)}…` : text;
}
