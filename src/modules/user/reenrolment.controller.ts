// The admin's socket message for re-enrolment links (the staff console's user list).
import { defineMessage, handleMessage, type MessageHandler } from '../../core/protocol/handler.js';
import { reenrolLinkData, reenrolLinkReplySchema } from './enrolment.types.js';
import type { Reenrolment } from './reenrolment.service.js';

export const reenrolmentMessages = {
  reenrolLink: defineMessage({
    type: 'user.reenrol_link',
    description:
      'A one-time link (24 h) for the user to enrol a new authenticator. At once their old authenticator and recovery codes stop working and every session ends, on every instance; an earlier link of theirs stops working. Audited in auth_audit.',
    access: 'admin',
    data: reenrolLinkData,
    reply: reenrolLinkReplySchema,
    errors: ['UserNotFound'],
  }),
} as const;

export function createReenrolmentHandlers(reenrolment: Reenrolment): MessageHandler[] {
  return [
    handleMessage(reenrolmentMessages.reenrolLink, async ({ session }, data) => {
      const link = await reenrolment.issueLink(data.username, session!.username);
      return { ...link, expires_at: link.expires_at.toISOString() };
    }),
  ];
}
