// A wall clock that ticks on the minute boundary rather than drifting with setInterval.
import { hhmm } from './time-format.js';

export function startClock(element: HTMLElement): void {
  const tick = () => {
    const now = new Date();
    element.textContent = hhmm(now);
    element.setAttribute('datetime', now.toISOString());
    setTimeout(tick, 60_000 - (now.getSeconds() * 1000 + now.getMilliseconds()) + 5);
  };
  tick();
}
