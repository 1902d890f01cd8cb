// The auth audit trail (auth_audit): who changed whose authenticator, role or sessions,
// and who created or revoked which API key.
// Written in the same transaction as the change where there is one. Admins read it with
// `npm run user -- audit` or SQL.
import type { Prisma, PrismaClient } from '../../generated/prisma/client.js';

export interface AuditEntry {
  action: 'reenrol_link_issued' | 'reenrol_started_with_recovery_code' | 'reenrolled' | 'first_admin_enrolled' | 'setup_link_issued' | 'role_changed' | 'sessions_revoked' | 'api_key_created' | 'api_key_revoked';
  username: string;
  /** Who did it: an admin's username, the user themself, or "command line". */
  actor: string;
  ip?: string;
  detail?: string;
}

export async function recordAudit(db: PrismaClient | Prisma.TransactionClient, entry: AuditEntry, at: Date | null): Promise<void> {
  await db.authAudit.create({ data: { ...entry, ...(at ? { created_at: at } : {}) } });
}

export function listAudit(prisma: PrismaClient, limit: number) {
  return prisma.authAudit.findMany({ orderBy: { id: 'desc' }, take: limit, select: { created_at: true, action: true, username: true, actor: true, ip: true, detail: true } });
}
