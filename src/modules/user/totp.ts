// TOTP as authenticator apps do it (RFC 6238 with the Google Authenticator defaults):
// SHA1, 6 digits, 30 s steps, a 160-bit secret (RFC 4226 section 4 recommends 160 bits).

/**
 * Loaded on first use (an enrolment or a login), not at every start: evaluating otplib and
 * its base32 and hash packages cost ~30-45 ms of the start's main thread
 * (docs/performance.md, scenario 5). A dynamic import, so the bundle leaves it out of its top.
 */
let loading: Promise<typeof import('otplib')> | undefined;
const otplib = () => (loading ??= import('otplib'));

const TOTP_ISSUER = 'Seats Sync';
const PERIOD_SECONDS = 30;
/** One step either side of now, for clock drift and typing time (RFC 6238 section 5.2). */
const WINDOW_STEPS = 1;

/** A fresh base32 secret, as the otpauth:// URI carries it. */
export async function createTotpSecret(): Promise<string> {
  return (await otplib()).generateSecret({ length: 20 });
}

/** The otpauth:// URI an authenticator app scans. */
export async function totpUri(username: string, secret: string): Promise<string> {
  const uri = (await otplib()).generateURI({ issuer: TOTP_ISSUER, label: username, secret, algorithm: 'sha1', digits: 6, period: PERIOD_SECONDS });
  // otplib leaves out parameters at their defaults; spelled out, the URI says exactly
  // what the server checks, whatever an app assumes. The secret goes last: the original
  // web client copies it with `uri.split('secret=')[1]`.
  const query = uri.indexOf('?');
  const params = new URLSearchParams(uri.slice(query + 1));
  params.delete('secret');
  const rest = [...params].map(([key, value]) => `${key}=${encodeURIComponent(value)}`).join('&');
  return `${uri.slice(0, query)}?${rest}&algorithm=SHA1&digits=6&period=${PERIOD_SECONDS}&secret=${secret}`;
}

/**
 * The time step `code` belongs to, or null when it matches no step in the window newer
 * than `lastStep`. RFC 6238 section 5.2: a code must be accepted at most once, so a step
 * at or before the last accepted one never matches, even inside its 30 s
 * (CVE-2024-5658 was a server that forgot this). The caller still has to claim the
 * step atomically in the database: this check alone cannot stop two instances
 * accepting the same code at the same moment.
 */
export async function matchTotpStep(secret: string, code: string, lastStep: number, nowMs = Date.now()): Promise<number | null> {
  const epoch = Math.floor(nowMs / 1000);
  const newestStep = Math.floor(epoch / PERIOD_SECONDS) + WINDOW_STEPS;
  const result = await (await otplib()).verify({
    secret,
    token: code,
    epoch,
    epochTolerance: WINDOW_STEPS * PERIOD_SECONDS,
    // otplib throws when the guard is beyond the window (a clock that went back);
    // capped there, it simply rejects every code until time catches up.
    afterTimeStep: Math.min(lastStep, newestStep),
  });
  // verify() is typed for HOTP too; a TOTP match always carries its time step.
  return result.valid && 'timeStep' in result ? result.timeStep : null;
}
