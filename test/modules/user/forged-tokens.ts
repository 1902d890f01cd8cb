// Session tokens that must all be refused, each built around otherwise valid claims so
// only its one defect can be the reason.
import { generateKeyPairSync } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { signSessionToken, type SessionClaims } from '../../../src/modules/user/session-token.js';

type Forge = (secret: string, claims: SessionClaims) => string;

const base64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
const payloadOf = (claims: SessionClaims, exp = Math.floor(Date.now() / 1000) + 3600) => ({
  sub: String(claims.userId),
  role: claims.role,
  sv: claims.sessionVersion,
  iat: Math.floor(Date.now() / 1000),
  exp,
});

export const forgedTokens: Record<string, Forge> = {
  'signed with another secret': (_secret, claims) => signSessionToken('b'.repeat(48), claims, 3600),
  expired: (secret, claims) => jwt.sign(payloadOf(claims, Math.floor(Date.now() / 1000) - 10), secret, { algorithm: 'HS256' }),
  'unsigned (alg: none)': (_secret, claims) => `${base64url({ alg: 'none', typ: 'JWT' })}.${base64url(payloadOf(claims))}.`,
  'signed with RS256': (_secret, claims) => {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    return jwt.sign(payloadOf(claims), privateKey, { algorithm: 'RS256' });
  },
  'tampered (role raised, signature kept)': (secret, claims) => {
    const [header, , signature] = signSessionToken(secret, claims, 3600).split('.');
    return `${header}.${base64url({ ...payloadOf(claims), role: 'admin' })}.${signature}`;
  },
  'signed with HS512': (secret, claims) => jwt.sign(payloadOf(claims), secret, { algorithm: 'HS512' }),
};
