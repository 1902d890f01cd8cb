// The first admin. On a database with no admin, the server's start logs a one-time setup
// link (`/staff#setup=<token>`, valid SETUP_LINK_TTL_SECONDS); whoever enrols through it
// becomes admin. The token is stored only as its SHA-256, is spent by that enrolment
// (which also checks that there is still no admin), and this is the only line that ever
// logs it: the operator reads it from the server's log.
//
// Several instances: there is one setup slot in the database and at most one live link.
// An instance that starts while another's link is live leaves it alone (it must not
// invalidate a link an operator may be opening right now) and logs only when that link
// was made and when it expires. Once it expires, the next start makes a new one.
// `npm run user -- setup-link` replaces the live link on purpose (the old one stops
// working) and prints the new one, for an operator who lost the log line.
import type { Logger } from '../../core/logger.js';
import type { PrismaClient } from '../../generated/prisma/client.js';
import { recordAudit } from './auth-audit.model.js';
import { authTime, type AuthClock } from './auth-clock.js';
import type { EnrolmentLinkModel } from './enrolment-link.model.js';
import { createLinkToken, SETUP_LINK_TTL_SECONDS, SETUP_SLOT, setupPath } from './enrolment-link.js';

export interface FirstAdminDeps {
  prisma: PrismaClient;
  links: EnrolmentLinkModel;
  logger: Logger;
  clock?: AuthClock;
}

export function createFirstAdmin(deps: FirstAdminDeps) {
  const { prisma, links, logger } = deps;
  const at = () => authTime(deps.clock);

  async function hasAdmin(): Promise<boolean> {
    return (await prisma.user.count({ where: { role: 'admin' } })) > 0;
  }

  async function store(replace: boolean, actor: string): Promise<string | null> {
    const { token, hash } = createLinkToken();
    if (!(await links.save({ slot: SETUP_SLOT, tokenHash: hash, userId: null, ttlSeconds: SETUP_LINK_TTL_SECONDS }, at(), { replace }))) return null;
    await recordAudit(prisma, { action: 'setup_link_issued', username: '', actor }, at());
    return setupPath(token);
  }

  return {
    /** At start: logs a setup link when there is no admin and no live link. */
    async offerAtStart(baseUrl: string): Promise<void> {
      if (await hasAdmin()) {
        await links.deleteSlot(SETUP_SLOT);
        return;
      }
      const path = await store(false, 'server start');
      if (path !== null) {
        logger.warn('no admin yet: open this one-time link within the hour to enrol the first admin', {
          url: `${baseUrl}${path}`,
          expires_in_minutes: SETUP_LINK_TTL_SECONDS / 60,
        });
        return;
      }
      const live = await links.liveInSlot(SETUP_SLOT, at());
      logger.warn('no admin yet: a setup link logged earlier (by this or another instance) is still valid; `npm run user -- setup-link` replaces it', {
        created_at: live?.created_at.toISOString(),
        expires_at: live?.expires_at.toISOString(),
      });
    },

    /** For the command line: a new link (the old one stops working), or null when an admin exists. */
    async replaceLink(actor: string): Promise<string | null> {
      if (await hasAdmin()) return null;
      return store(true, actor);
    },
  };
}

export type FirstAdmin = ReturnType<typeof createFirstAdmin>;
