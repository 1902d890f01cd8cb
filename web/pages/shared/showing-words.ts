// Showings in words and times, as the lobby and the box office read them.
import type { ShowingSummary } from '../../client/protocol-types.js';
import { hhmm } from './time-format.js';

/** "42 seats left", "1 seat left", "Sold out". */
export function seatsLeftWords(seatsLeft: number): string {
  if (seatsLeft <= 0) return 'Sold out';
  return `${seatsLeft} seat${seatsLeft === 1 ? '' : 's'} left`;
}

/**
 * hh:mm (24-hour) in a time zone: a lobby board shows the cinema's time, whatever zone
 * the screen's own clock is set to. An unknown zone falls back to the device's.
 */
export function zonedHhmm(timeZone: string): (date: Date) => string {
  let format: Intl.DateTimeFormat;
  try {
    format = new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
  } catch {
    return hhmm;
  }
  return (date) => format.format(date);
}

/** "18:00–20:15" in the device's time. */
export function showingTimes(showing: Pick<ShowingSummary, 'starts_at' | 'ends_at'>, format: (date: Date) => string = hhmm): string {
  return `${format(new Date(showing.starts_at))}–${format(new Date(showing.ends_at))}`;
}
