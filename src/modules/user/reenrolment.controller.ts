// The admin's socket message for re-enrolment links (the staff console's user list).
import { defineHandler, type MessageHandler } from '../../core/protocol/handler.js';
import { reenrolLinkData } from './enrolment.types.js';
import type { Reenrolment } from './reenrolment.service.js';

export function createReenrolmentHandlers(reenrolment: Reenrolment): MessageHandler[] {
  return [
    defineHandler({
      type: 'user.reenrol_link',
      description:
        "A one-time link (24 h) for the user to enrol a new authenticator. At once their old authenticator and recovery codes stop working and every session ends, on every instance; an earlier link of theirs stops working. Audited in auth_audit.",
      access: 'admin',
      data: reenrolLinkData,
      reply: '{username, path: "/staff#reenrol=<token>", expires_at}',
      errors: ['UserNotFound'],
      handle: ({ session }, data) => reenrolment.issueLink(data.username, session!.username),
    }),
  ];
}
