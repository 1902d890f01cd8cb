// The addresses a user logged in or enrolled from (login_address), for the wrong-code
// limit. Timestamps are the database's now() unless a clock is injected (auth-clock.ts).
import type { PrismaClient } from '../../generated/prisma/client.js';

/** An address stays known this long after its last successful login. */
export const KNOWN_ADDRESS_DAYS = 30;

export function createLoginAddressModel(prisma: PrismaClient) {
  return {
    async isKnown(userId: number, ip: string, at: Date | null): Promise<boolean> {
      const rows = await prisma.$queryRaw<unknown[]>`
        SELECT 1 FROM login_address
         WHERE user_id = ${userId} AND ip = ${ip}
           AND last_success_at > COALESCE(${at}::timestamptz, now()) - ${KNOWN_ADDRESS_DAYS}::int * interval '1 day'`;
      return rows.length > 0;
    },

    async remember(userId: number, ip: string, at: Date | null): Promise<void> {
      await prisma.$executeRaw`
        INSERT INTO login_address (user_id, ip, last_success_at) VALUES (${userId}, ${ip}, COALESCE(${at}::timestamptz, now()))
        ON CONFLICT (user_id, ip) DO UPDATE SET last_success_at = EXCLUDED.last_success_at`;
    },
  };
}

export type LoginAddressModel = ReturnType<typeof createLoginAddressModel>;
