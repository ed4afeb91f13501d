import { describe, expect, it } from 'vitest';
import { DestinationRefused, UploadRejected } from './errors.js';
import { readRequestUpload, readStore } from './talk-answers.js';

const ocs = (status: number, data: unknown) => ({ ocs: { meta: { statuscode: status }, data } });

describe("Talk's answers", () => {
  it('takes the upload share from a 200', () => {
    const share = { token: 'Ab12', password: 'pw', fileName: 'a.mp4' };
    expect(readRequestUpload(200, ocs(200, share))).toEqual({ kind: 'share', share });
  });

  it('falls back to the multipart store on 404 and on 400 sharing_disabled', () => {
    expect(readRequestUpload(404, undefined).kind).toBe('fallback');
    expect(readRequestUpload(400, ocs(400, { error: 'sharing_disabled' })).kind).toBe('fallback');
  });

  it('does not fall back when the multipart store would refuse the same way', () => {
    expect(() => readRequestUpload(400, ocs(400, { error: 'owner_participant' }))).toThrow(UploadRejected);
  });

  it('reports a refused signature as a 401 with a hint', () => {
    const body = ocs(401, { type: 'error', error: { code: 'invalid_request', message: 'x' } });
    expect(() => readRequestUpload(401, body)).toThrow(/invalid_request \(Talk did not accept the signature/);
    expect(() => readStore(401, body, 'talk store')).toThrow(DestinationRefused);
  });

  it("turns a store refusal into Talk's code", () => {
    expect(() => readStore(400, ocs(400, { error: 'file_mimetype' }), 'talk store')).toThrow(
      expect.objectContaining({ code: 'talk_file_mimetype' }),
    );
    expect(readStore(200, ocs(200, null), 'talk store')).toBeUndefined();
  });
});
