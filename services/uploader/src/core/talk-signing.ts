import { createHmac } from 'node:crypto';

/**
 * Talk's recording-backend checksum for `request-upload` and `store`: lower-case hex HMAC-SHA256 with
 * the recording secret over the random followed by the room token (not the body).
 */
export const talkChecksum = (secret: string, random: string, roomToken: string) =>
  createHmac('sha256', secret)
    .update(random + roomToken)
    .digest('hex');
