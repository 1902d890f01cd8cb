// Users as an authenticator app sees them: enrol through the HTTP flow, read the secret
// from the otpauth:// URI, compute codes, keep the session cookie.
import { generateSync } from 'otplib';
import type { PrismaClient } from '../../src/generated/prisma/client.js';
import { assertHttpContract } from './contract.js';

export interface EnrolledUser {
  username: string;
  secret: string;
  cookie: string;
  recoveryCodes: string[];
}

/** The TOTP code for now + `stepOffset` 30 s steps (a newer step than one already used). */
export function totpCode(secret: string, stepOffset = 0): string {
  return generateSync({ secret, epoch: Math.floor(Date.now() / 1000) + stepOffset * 30 });
}

export function secretFromUri(uri: string): string {
  const secret = new URL(uri).searchParams.get('secret');
  if (!secret) throw new Error(`no secret in ${uri}`);
  return secret;
}

export async function post(baseUrl: string, path: string, body: unknown, cookie?: string) {
  const response = await fetch(`${baseUrl}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(cookie ? { cookie } : {}) },
    body: JSON.stringify(body),
  });
  const json = (await response.json()) as { data: any; status: string; error: string | null };
  assertHttpContract(path, response.status, json);
  return { response, json };
}

/** `name=value` of the cookie `name` a response set. */
export function cookieOf(response: Response, name = 'seats_session'): string {
  const pair = response.headers
    .getSetCookie()
    .map((header) => header.split(';')[0]!)
    .find((p) => p.startsWith(`${name}=`));
  if (!pair) throw new Error(`no ${name} cookie set`);
  return pair;
}

/**
 * auth_start binds the registration to the browser by a cookie that register needs;
 * fetch has no cookie jar, so it is carried over by hand.
 */
export async function enrol(baseUrl: string, username: string): Promise<EnrolledUser> {
  const start = await post(baseUrl, '/api/user/auth_start', { username });
  if (start.json.data?.status !== 'candidate') throw new Error(`auth_start: ${JSON.stringify(start.json)}`);
  const secret = secretFromUri(start.json.data.qr_url);
  const registered = await post(baseUrl, '/api/user/register', { username, code: totpCode(secret) }, cookieOf(start.response, 'seats_registration'));
  if (registered.json.status !== 'success') throw new Error(`register: ${JSON.stringify(registered.json)}`);
  return { username, secret, cookie: cookieOf(registered.response), recoveryCodes: registered.json.data.recovery_codes };
}

/** Enrols a user and gives it a role directly in the database (as `npm run user -- set-role` does). */
export async function userWithRole(baseUrl: string, prisma: PrismaClient, username: string, role: 'viewer' | 'staff' | 'admin'): Promise<EnrolledUser> {
  const user = await enrol(baseUrl, username);
  if (role !== 'viewer') await prisma.user.update({ where: { username }, data: { role } });
  return user;
}
