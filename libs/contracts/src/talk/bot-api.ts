/**
 * Talk's bot API as a bot that only posts uses it (`occ talk:bot:install` / `talk:bot:create`): a message is
 * signed with the bot secret as hex HMAC-SHA256(secret, random + the message TEXT), not over the body.
 */
export const talkBotHeaders = {
  random: 'x-nextcloud-talk-bot-random',
  signature: 'x-nextcloud-talk-bot-signature',
} as const;

/** `POST {nextcloud}/ocs/v2.php/apps/spreed/api/v1/bot/{token}/message`, answered 201 when posted. */
export const talkBotMessagePath = (token: string) =>
  `/ocs/v2.php/apps/spreed/api/v1/bot/${encodeURIComponent(token)}/message`;

/** Talk refuses to install a bot whose secret is shorter or longer (characters). */
export const TALK_BOT_SECRET_MIN_LENGTH = 40;
export const TALK_BOT_SECRET_MAX_LENGTH = 128;
/** Talk's chat message limit (capability `spreed.config.chat.max-length`), characters. */
export const TALK_CHAT_MAX_LENGTH = 32_000;
