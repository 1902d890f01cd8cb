// A wall clock that ticks on the minute boundary rather than drifting with setInterval.
import { hhmm } from './time-format.js';

/** `format` shows the time; a lobby board passes one for its schedule's time zone. */
export function startClock(element: HTMLElement, format: (date: Date) => string = hhmm): void {
  const tick = () => {
    const now = new Date();
    element.textContent = format(now);
    element.setAttribute('datetime', now.toISOString());
    setTimeout(tick, 60_000 - (now.getSeconds() * 1000 + now.getMilliseconds()) + 5);
  };
  tick();
}
