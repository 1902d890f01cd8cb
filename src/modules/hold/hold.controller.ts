// Socket messages of the hold module. Holds are made over the box-office REST API; staff
// see here who holds which seats of a showing (HELD in its seat map).
import { z } from 'zod';
import { idSchema } from '../../core/bounds.js';
import { defineMessage, handleMessage } from '../../core/protocol/handler.js';
import type { HoldModel } from './hold.model.js';
import { holdView } from './hold.service.js';
import { holdViewSchema } from './hold.types.js';

export const holdMessages = {
  list: defineMessage({
    type: 'hold.list',
    description: "The active holds of a showing: who holds which seats until when (HELD seats in the showing's map).",
    access: 'staff',
    data: z.object({ showing_id: idSchema }),
    reply: z.strictObject({ holds: z.array(holdViewSchema) }),
    errors: [],
  }),
} as const;

export function createHoldHandlers(model: HoldModel) {
  return [
    handleMessage(holdMessages.list, async (_context, data) => ({ holds: (await model.active(data.showing_id)).map(holdView) })),
  ];
}
