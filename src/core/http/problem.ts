// RFC 9457 problem details for the REST API: `application/problem+json` with type, title,
// status, detail, and the project's error `code` and its details as extension members
// (and all of them in `details`), so a client switches on `code` exactly as it does on
// the socket's `error`.
import type { Response } from 'express';
import { z } from 'zod';
import { ERROR_CODES, type AppError, type ErrorCode } from '../errors.js';

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

/** A URI per code (RFC 9457 3.1.1): stable, and names the code without fetching anything. */
export function problemType(code: ErrorCode): string {
  return `urn:seats-sync:error:${code}`;
}

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: ErrorCode;
  [extension: string]: unknown;
}

export function toProblem(error: AppError): Problem {
  const status = ERROR_CODES[error.code].http;
  // Each detail is an extension member, except where its name is a standard member's
  // (HoldNotActive's `status`): `details` holds them all, as the socket's error carries them.
  return {
    ...error.details,
    ...(error.details ? { details: error.details } : {}),
    type: problemType(error.code),
    title: error.code,
    status,
    detail: error.message,
    code: error.code,
  };
}

export function sendProblem(response: Response, error: AppError): void {
  const problem = toProblem(error);
  const retryAfter = error.details?.retry_after;
  if (typeof retryAfter === 'number') response.setHeader('Retry-After', String(retryAfter));
  response.status(problem.status).type(PROBLEM_CONTENT_TYPE).send(JSON.stringify(problem));
}

/** The schema of a problem answer limited to some codes (for OpenAPI). */
export function problemSchema(codes: ErrorCode[]) {
  return z.looseObject({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    code: z.enum(codes as [ErrorCode, ...ErrorCode[]]),
    /** Every detail of the error (also repeated as top-level members where the name is free). */
    details: z.record(z.string(), z.unknown()).optional(),
  });
}
