// Links as e-mails carry them (`/?resume=TOKEN`, `/widget/?org=DOMAIN&resume=TOKEN`): signed
// here the way the server signs them, with a key derived from its token secret, so tests open
// a conversation from "an e-mail" without reading one.

import { createHmac } from 'node:crypto';

const b64url = (data: Buffer | string) => Buffer.from(data).toString('base64url');

/** A link token that opens `sessionId` of `clientId` (of `orgId`), valid for `days`. */
export function linkToken(jwtSecret: string, ids: { clientId: string; sessionId: string; orgId: string }, days = 14): string {
  const key = createHmac('sha256', jwtSecret).update('raasel e-mail links').digest();
  const header = b64url(JSON.stringify({ typ: 'JWT', alg: 'HS256' }));
  const claims = {
    sub: ids.clientId,
    sid: ids.sessionId,
    org: ids.orgId,
    act: 'open',
    exp: Math.floor(Date.now() / 1000) + days * 86_400,
    aud: 'raasel-email-link',
  };
  const body = `${header}.${b64url(JSON.stringify(claims))}`;
  return `${body}.${b64url(createHmac('sha256', key).update(body).digest())}`;
}
