// One clock for every bench process on this machine: `performance.timeOrigin` is the
// process's start on the system clock, so `timeOrigin + now()` is wall-clock ms with
// sub-millisecond resolution that a writer and a loader process can subtract.
export function wallMs(): number {
  return performance.timeOrigin + performance.now();
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
