// Configuration: read from the environment once, validated with zod, passed down.
// Nothing else in the code reads process.env.
import { z } from 'zod';
import { isTimeZone } from './time-zone.js';

const BOOL_VALUES = ['true', 'false', '1', '0', 'yes', 'no'] as const;
const isTrue = (v: (typeof BOOL_VALUES)[number]) => v === 'true' || v === '1' || v === 'yes';

const bool = (fallback: boolean) =>
  z
    .enum(BOOL_VALUES)
    .default(fallback ? 'true' : 'false')
    .transform(isTrue);

/** A boolean whose default depends on other variables (undefined when unset). */
const optionalBool = z.enum(BOOL_VALUES).optional().transform((v) => (v === undefined ? undefined : isTrue(v)));

const int = (fallback: number, min = 0, max = Number.MAX_SAFE_INTEGER) =>
  z.coerce.number().int().min(min).max(max).default(fallback);

const optionalString = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === '' ? undefined : v.trim()));

/** An integer whose default depends on other variables (undefined when unset or empty). */
const optionalInt = (min: number, max: number) => optionalString.pipe(z.coerce.number<string | undefined>().int().min(min).max(max).optional());

/** 32 bytes, given as 64 hex characters or base64. */
const aesKey = optionalString.refine(
  (v) => v === undefined || decodeKey(v) !== null,
  'must be 32 bytes as 64 hex characters or base64',
);

export function decodeKey(value: string): Buffer | null {
  if (/^[0-9a-fA-F]{64}$/.test(value)) return Buffer.from(value, 'hex');
  const b64 = Buffer.from(value, 'base64');
  return b64.length === 32 ? b64 : null;
}

const envSchema = z
  .object({
    NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
    HOST: z.string().default('0.0.0.0'),
    PORT: int(3000, 0, 65535),
    WS_PORT: int(0, 0, 65535).optional(),
    PUBLIC_URL: optionalString.pipe(z.url().optional()),
    DATABASE_URL: optionalString.pipe(
      z.string().regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL').optional(),
    ),
    DATA_DIR: z.string().default('./data'),
    CACHE_DIR: optionalString,
    SEED_DEMO: optionalBool,
    SEED_DEMO_SCHEDULE: bool(true),
    LOG_LEVEL: z.enum(['error', 'warn', 'info', 'http', 'verbose', 'debug', 'silly']).default('info'),
    LOG_FORMAT: z.enum(['json', 'pretty']).optional(),
    JWT_SECRET: optionalString.refine((v) => v === undefined || v.length >= 32, 'must be at least 32 characters'),
    TOTP_ENCRYPTION_KEY: aesKey,
    SESSION_TTL_SECONDS: int(5 * 24 * 3600, 60),
    PUBLIC_READ: bool(true),
    ALLOWED_ORIGINS: optionalString,
    TRUST_PROXY: optionalString,
    TLS_CERT_FILE: optionalString,
    TLS_KEY_FILE: optionalString,
    LOGIN_MAX_FAILURES: int(5, 1),
    LOGIN_WINDOW_SECONDS: int(15 * 60, 1),
    WS_MAX_PAYLOAD_BYTES: int(64 * 1024, 1024),
    WS_MESSAGES_PER_SECOND: int(50, 1),
    WS_MAX_BUFFERED_BYTES: int(1024 * 1024, 1024),
    WS_PER_MESSAGE_DEFLATE: bool(false),
    WS_PING_INTERVAL_MS: int(15_000, 100),
    WS_MAX_CONNECTIONS: int(50_000, 1),
    WS_MAX_CONNECTIONS_PER_IP: int(1_000, 1),
    WS_MAX_SUBSCRIPTIONS: int(100, 1),
    HALL_HISTORY_SIZE: int(512, 1),
    SHOWING_LEAD_MINUTES: int(30, 0, 24 * 60),
    HOLD_SWEEP_MS: int(1_000, 10, 60_000),
    SCHEDULE_TIME_ZONE: optionalString.refine((v) => v === undefined || isTimeZone(v), 'must be an IANA time zone such as Europe/Berlin'),
    SHUTDOWN_TIMEOUT_MS: int(10_000, 100),
    SHUTDOWN_DRAIN_MS: optionalInt(0, 300_000),
    METRICS_PORT: optionalInt(1, 65535),
    METRICS_TOKEN: optionalString.refine((v) => v === undefined || v.length >= 16, 'must be at least 16 characters'),
    MQTT_URL: optionalString.pipe(z.string().regex(/^(mqtts?|wss?):\/\//, 'must be an mqtt://, mqtts://, ws:// or wss:// URL').optional()),
    MQTT_TOPIC_PREFIX: z.string().regex(/^[^#+\u0000]+$/, 'must not contain #, + or NUL').default('seats-sync'),
    MQTT_CLIENT_ID: optionalString,
    OUTBOUND_SWEEP_MS: int(5_000, 50),
    WEBHOOK_ALLOW_PRIVATE: bool(false),
    WEBHOOK_DISABLE_AFTER_SECONDS: int(3 * 24 * 3600, 1),
    WEBHOOK_TIMEOUT_MS: int(10_000, 100),
    WEBHOOK_LOG_SIZE: int(100, 1, 10_000),
    API_KEY_RATE_PER_SECOND: int(20, 1, 100_000),
    API_KEY_BURST: int(40, 1, 1_000_000),
    API_IDEMPOTENCY_HOURS: int(24, 24, 24 * 90),
    API_IDEMPOTENCY_LEASE_SECONDS: int(60, 5, 3_600),
  })
  .superRefine((env, ctx) => {
    if (env.NODE_ENV !== 'production') return;
    for (const key of ['JWT_SECRET', 'TOTP_ENCRYPTION_KEY'] as const) {
      if (env[key] === undefined) ctx.addIssue({ code: 'custom', path: [key], message: 'is required when NODE_ENV=production' });
    }
  })
  .superRefine((env, ctx) => {
    if ((env.TLS_CERT_FILE === undefined) !== (env.TLS_KEY_FILE === undefined)) {
      ctx.addIssue({ code: 'custom', path: ['TLS_KEY_FILE'], message: 'TLS_CERT_FILE and TLS_KEY_FILE go together' });
    }
  });

export type Env = z.infer<typeof envSchema>;

export interface Config {
  env: Env['NODE_ENV'];
  host: string;
  port: number;
  /** A second port for the WebSocket endpoint, only when set and different from `port`. */
  wsPort: number | undefined;
  publicUrl: string | undefined;
  databaseUrl: string | undefined;
  dataDir: string;
  /** Embedded mode's migrated templates; undefined: node_modules/.cache/seats-sync. */
  cacheDir: string | undefined;
  seedDemo: boolean;
  /** With the demo, on a new database: showings for today and tomorrow. */
  seedDemoSchedule: boolean;
  log: { level: Env['LOG_LEVEL']; format: 'json' | 'pretty' };
  /** Undefined outside production until resolveSecrets fills them from the data folder. */
  jwtSecret: string | undefined;
  totpEncryptionKey: Buffer | undefined;
  sessionTtlSeconds: number;
  publicRead: boolean;
  /** Explicit list; empty means "the server's own origin" (checked against the Host header). */
  allowedOrigins: string[];
  trustProxy: string | undefined;
  tls: { certFile: string; keyFile: string } | undefined;
  login: { maxFailures: number; windowSeconds: number };
  ws: {
    maxPayloadBytes: number;
    messagesPerSecond: number;
    maxBufferedBytes: number;
    perMessageDeflate: boolean;
    pingIntervalMs: number;
    maxConnections: number;
    maxConnectionsPerIp: number;
    maxSubscriptions: number;
  };
  hallHistorySize: number;
  /** A hall shows its next showing from this long before it starts (when none is running). */
  showingLeadMs: number;
  /** The zone of "today" on lobby boards. */
  scheduleTimeZone: string;
  /** How often the expiry looks for holds past their time. */
  holdSweepMs: number;
  /** Time between SIGTERM (readiness 503) and closing sockets, for load balancers to drain. */
  shutdownDrainMs: number;
  shutdownTimeoutMs: number;
  /**
   * Where /metrics is served: `port` set: only there; else on the public port when
   * `public` (development, or a token is set). `token`, when set, is required as a bearer token.
   */
  metrics: { port: number | undefined; public: boolean; token: string | undefined };
  outbound: {
    /** The MQTT bridge runs when `url` is set (may carry user:password, never logged). */
    mqtt: { url: string | undefined; topicPrefix: string; clientId: string | undefined };
    webhooks: {
      /** Tests and closed networks only: allows private, loopback and link-local destinations. */
      allowPrivate: boolean;
      /** An endpoint failing for this long without a success is disabled. */
      disableAfterSeconds: number;
      timeoutMs: number;
      /** Delivery attempts kept per endpoint. */
      logSize: number;
    };
    /** Outbound consumers re-check every stream this often besides the wake-ups. */
    sweepMs: number;
  };
  /** The box-office REST API (/api/v1). */
  api: {
    /** Each API key's token bucket on each instance: refill per second, and its size. */
    ratePerSecond: number;
    burst: number;
    /** Idempotency-Key records are kept this long (at least 24 h). */
    idempotencyHours: number;
    /** A call in flight holds its Idempotency-Key this long; past it a retry may take it over (its server died). */
    idempotencyLeaseSeconds: number;
  };
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Reads and validates the environment; throws ConfigError whose message names every bad variable on one line. */
export function loadConfig(source: NodeJS.ProcessEnv = process.env): Config {
  const parsed = envSchema.safeParse(source);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.') || 'environment'} ${issue.message}`);
    throw new ConfigError(`invalid configuration: ${problems.join('; ')}`);
  }
  const env = parsed.data;
  return {
    env: env.NODE_ENV,
    host: env.HOST,
    port: env.PORT,
    wsPort: env.WS_PORT && env.WS_PORT !== env.PORT ? env.WS_PORT : undefined,
    publicUrl: env.PUBLIC_URL,
    databaseUrl: env.DATABASE_URL,
    dataDir: env.DATA_DIR,
    cacheDir: env.CACHE_DIR,
    // Demo cinemas in a production database are never wanted by default.
    seedDemo: env.SEED_DEMO ?? env.NODE_ENV !== 'production',
    seedDemoSchedule: env.SEED_DEMO_SCHEDULE,
    log: { level: env.LOG_LEVEL, format: env.LOG_FORMAT ?? (env.NODE_ENV === 'production' ? 'json' : 'pretty') },
    jwtSecret: env.JWT_SECRET,
    totpEncryptionKey: env.TOTP_ENCRYPTION_KEY ? (decodeKey(env.TOTP_ENCRYPTION_KEY) ?? undefined) : undefined,
    sessionTtlSeconds: env.SESSION_TTL_SECONDS,
    publicRead: env.PUBLIC_READ,
    allowedOrigins: (env.ALLOWED_ORIGINS ?? '')
      .split(',')
      .map((o) => o.trim().replace(/\/$/, ''))
      .filter(Boolean),
    trustProxy: env.TRUST_PROXY,
    tls: env.TLS_CERT_FILE && env.TLS_KEY_FILE ? { certFile: env.TLS_CERT_FILE, keyFile: env.TLS_KEY_FILE } : undefined,
    login: { maxFailures: env.LOGIN_MAX_FAILURES, windowSeconds: env.LOGIN_WINDOW_SECONDS },
    ws: {
      maxPayloadBytes: env.WS_MAX_PAYLOAD_BYTES,
      messagesPerSecond: env.WS_MESSAGES_PER_SECOND,
      maxBufferedBytes: env.WS_MAX_BUFFERED_BYTES,
      perMessageDeflate: env.WS_PER_MESSAGE_DEFLATE,
      pingIntervalMs: env.WS_PING_INTERVAL_MS,
      maxConnections: env.WS_MAX_CONNECTIONS,
      maxConnectionsPerIp: env.WS_MAX_CONNECTIONS_PER_IP,
      maxSubscriptions: env.WS_MAX_SUBSCRIPTIONS,
    },
    hallHistorySize: env.HALL_HISTORY_SIZE,
    showingLeadMs: env.SHOWING_LEAD_MINUTES * 60_000,
    scheduleTimeZone: env.SCHEDULE_TIME_ZONE ?? Intl.DateTimeFormat().resolvedOptions().timeZone,
    holdSweepMs: env.HOLD_SWEEP_MS,
    shutdownDrainMs: env.SHUTDOWN_DRAIN_MS ?? (env.NODE_ENV === 'production' ? 5_000 : 0),
    shutdownTimeoutMs: env.SHUTDOWN_TIMEOUT_MS,
    metrics: {
      port: env.METRICS_PORT,
      // Off the public port in production unless a token guards it.
      public: env.METRICS_PORT === undefined && (env.NODE_ENV !== 'production' || env.METRICS_TOKEN !== undefined),
      token: env.METRICS_TOKEN,
    },
    outbound: {
      mqtt: { url: env.MQTT_URL, topicPrefix: env.MQTT_TOPIC_PREFIX.replace(/\/+$/, ''), clientId: env.MQTT_CLIENT_ID },
      webhooks: {
        allowPrivate: env.WEBHOOK_ALLOW_PRIVATE,
        disableAfterSeconds: env.WEBHOOK_DISABLE_AFTER_SECONDS,
        timeoutMs: env.WEBHOOK_TIMEOUT_MS,
        logSize: env.WEBHOOK_LOG_SIZE,
      },
      sweepMs: env.OUTBOUND_SWEEP_MS,
    },
    api: {
      ratePerSecond: env.API_KEY_RATE_PER_SECOND,
      burst: env.API_KEY_BURST,
      idempotencyHours: env.API_IDEMPOTENCY_HOURS,
      idempotencyLeaseSeconds: env.API_IDEMPOTENCY_LEASE_SECONDS,
    },
  };
}
