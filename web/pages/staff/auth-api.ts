// The HTTP half of logging in: only an HTTP reply can set the http-only session cookie.
// Same reply shape as the socket ({data, status, error}), so failures become the same
// ProtocolError and are shown with the same words.
import { ProtocolError } from '../../client/protocol-client.js';
import type { ErrorCode, ErrorData, Role } from '../../client/protocol-types.js';

export type AuthStart = { status: 'user'; username: string } | { status: 'candidate'; username: string; qr_url: string; qr: string };
export interface Registered {
  status: 'user';
  username: string;
  role: Role;
  recovery_codes: string[];
}

export const authApi = {
  start: (username: string) => post<AuthStart>('auth_start', { username }),
  register: (username: string, code: string) => post<Registered>('register', { username, code }),
  login: (username: string, code: string) => post<{ status: 'user'; username: string; role: Role }>('login', { username, code }),
  cancelRegistration: (username: string) => post<unknown>('auth_reset', { username }),
  logout: () => post<unknown>('logout', {}),
  setupRegister: (username: string, code: string, setupToken: string) => post<Registered>('setup_register', { username, code, setup_token: setupToken }),
  reenrolWithRecoveryCode: (username: string, recoveryCode: string) => post<{ token: string }>('reenrol_recovery', { username, recovery_code: recoveryCode }),
  reenrolStart: (token: string) => post<{ username: string; qr_url: string; qr: string }>('reenrol_start', { token }),
  reenrol: (token: string, code: string) => post<Registered>('reenrol', { token, code }),
};

async function post<T>(path: string, body: unknown): Promise<T> {
  let response: Response;
  try {
    response = await fetch(`/api/user/${path}`, {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  } catch {
    throw new ProtocolError('NetworkError');
  }
  const reply = (await response.json().catch(() => null)) as { data: unknown; status: string; error: ErrorCode | null } | null;
  if (!reply) throw new ProtocolError(response.status >= 500 ? 'InternalServerError' : 'NetworkError');
  if (reply.status !== 'success') throw new ProtocolError(reply.error ?? 'InternalServerError', (reply.data ?? {}) as ErrorData);
  return reply.data as T;
}
