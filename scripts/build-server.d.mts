// Types of build-server.mjs (plain JavaScript so that `npm start` runs it without a loader).
export const PROJECT_ROOT: string;
export const SERVER_BUNDLE: string;
export function serverBundleIsStale(): boolean;
export function buildServer(): Promise<void>;
