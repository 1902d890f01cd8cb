// A session cookie for the bench, through the real HTTP TOTP enrolment: auth_start hands
// out the otpauth:// URI, we compute the code as an authenticator app would, register,
// and keep the cookie. One login serves every socket (20,000 enrolments would measure
// the login limiter, not the socket server).
import { generate } from 'otplib';

interface HttpReply<T> {
  status: 'success' | 'error';
  error: string | null;
  data: T;
}

async function post<T>(baseUrl: string, path: string, body: unknown, cookies: string[] = []): Promise<{ reply: HttpReply<T>; setCookie: string[] }> {
  const response = await fetch(`${baseUrl}/api/user/${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(cookies.length ? { cookie: cookies.join('; ') } : {}) },
    body: JSON.stringify(body),
  });
  const reply = (await response.json()) as HttpReply<T>;
  if (reply.status !== 'success') throw new Error(`POST ${path}: ${reply.error} ${JSON.stringify(reply.data)}`);
  return { reply, setCookie: response.headers.getSetCookie() };
}

/** Registers `username` and returns its cookie header value (`seats_session=...`). */
export async function enrol(baseUrl: string, username: string): Promise<string> {
  // auth_start binds the pending registration to this client with a cookie; register must bring it back.
  const { reply, setCookie: started } = await post<{ status: string; qr_url?: string }>(baseUrl, 'auth_start', { username });
  if (!reply.data.qr_url) throw new Error(`user ${username} already exists in this database`);
  const secret = new URL(reply.data.qr_url).searchParams.get('secret');
  if (!secret) throw new Error('otpauth URI without a secret');
  const code = await generate({ secret });
  const { setCookie } = await post(baseUrl, 'register', { username, code }, cookiePairs(started));
  const cookie = cookiePairs(setCookie).find((pair) => pair.startsWith('seats_session='));
  if (!cookie) throw new Error('register set no seats_session cookie');
  return cookie;
}

/** `name=value` of each Set-Cookie header. */
function cookiePairs(setCookie: string[]): string[] {
  return setCookie.map((header) => header.split(';')[0] ?? '').filter(Boolean);
}
