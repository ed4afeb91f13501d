import { checksumMatches } from './checksum.js';
import type { Ctx } from './http.js';
import type { NextcloudStandIn } from './index.js';
import { ocsReply, passesCsrf } from './shares-ocs.js';

/** A Talk bot as `occ talk:bot:install`/`talk:bot:create` makes it, set up in some conversations. */
export interface StandInBot {
  id: number;
  name: string;
  /** 40 … 128 characters. */
  secret: string;
  /** Conversations the bot is set up in (`occ talk:bot:setup`). */
  rooms: Set<string>;
}

/** A chat message a bot posted, as the conversation would show it. */
export interface BotMessage {
  at: number;
  botId: number;
  roomToken: string;
  message: string;
  referenceId?: string;
  silent: boolean;
}

/** Talk's chat length limit (capability `spreed.config.chat.max-length`). */
const MAX_MESSAGE_LENGTH = 32_000;

/**
 * Talk's bot API for posting (`POST /ocs/v2.php/apps/spreed/api/v1/bot/{token}/message`), checked as
 * BotController does: `OCS-APIRequest` (else 412), a random of at least 32 characters (else 400), and
 * `X-Nextcloud-Talk-Bot-Signature` = hex HMAC-SHA256(bot secret, random + the message TEXT), tried against
 * every bot set up in the conversation (no match → 401, also for unknown conversations); 413 above the
 * chat limit; 201 when posted.
 */
export class BotStandIn {
  readonly bots: StandInBot[] = [];
  readonly messages: BotMessage[] = [];
  private nextId = 1;

  constructor(private readonly nc: NextcloudStandIn) {
    nc.http.on('POST', '/ocs/v2.php/apps/spreed/api/v1/bot/:token/message', (ctx) => this.post(ctx));
  }

  install(name: string, secret: string, rooms: string[]): StandInBot {
    if (secret.length < 40 || secret.length > 128) {
      throw new Error('stand-in: a bot secret has 40 to 128 characters');
    }
    const bot = { id: this.nextId++, name, secret, rooms: new Set(rooms) };
    this.bots.push(bot);
    return bot;
  }

  messagesIn(roomToken: string): BotMessage[] {
    return this.messages.filter((m) => m.roomToken === roomToken);
  }

  private async post(ctx: Ctx): Promise<void> {
    if (!passesCsrf(ctx, this.nc.violations, 'bot')) return;
    const raw = (await ctx.body(1024 * 1024)) ?? Buffer.alloc(0);
    let body: { message?: unknown; referenceId?: unknown; silent?: unknown };
    try {
      body = JSON.parse(raw.toString('utf8')) as typeof body;
    } catch {
      body = {};
    }
    const message = typeof body.message === 'string' ? body.message : '';
    const random = String(ctx.req.headers['x-nextcloud-talk-bot-random'] ?? '');
    const signature = String(ctx.req.headers['x-nextcloud-talk-bot-signature'] ?? '');
    const violation = (problem: string) =>
      this.nc.violations.push({ at: Date.now(), area: 'bot', path: ctx.path, problem });
    if (random.length < 32 || !signature) {
      violation('bot random shorter than 32 characters or signature missing');
      ocsReply(ctx, 400, null);
      return;
    }
    const token = ctx.params.token!;
    const bot = this.bots.find(
      (b) => b.rooms.has(token) && checksumMatches(b.secret, random, message, signature),
    );
    if (!bot) {
      violation('no bot in this conversation matches the signature');
      ocsReply(ctx, 401, null);
      return;
    }
    if (!message.trim()) {
      ocsReply(ctx, 400, null);
      return;
    }
    if (message.length > MAX_MESSAGE_LENGTH) {
      ocsReply(ctx, 413, null);
      return;
    }
    this.messages.push({
      at: Date.now(),
      botId: bot.id,
      roomToken: token,
      message,
      silent: body.silent === true,
      ...(typeof body.referenceId === 'string' ? { referenceId: body.referenceId } : {}),
    });
    ocsReply(ctx, 201, null);
  }
}
