// The HTTP reply shape of the reference client: {data, status: "success" | "error", error}.
import type { Response } from 'express';
import { ERROR_CODES, type AppError } from '../errors.js';

export function sendSuccess(response: Response, data: unknown, httpStatus = 200): void {
  response.status(httpStatus).json({ data: data ?? null, status: 'success', error: null });
}

export function sendError(response: Response, error: AppError): void {
  response
    .status(ERROR_CODES[error.code].http)
    .json({ data: { message: error.message, ...error.details }, status: 'error', error: error.code });
}
