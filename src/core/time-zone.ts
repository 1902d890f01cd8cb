// "Today" in a time zone, with Intl only: lobby boards list the day's showings in
// the cinema's local time (SCHEDULE_TIME_ZONE), whatever zone the server runs in.

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let format = formatters.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-CA', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timeZone, format);
  }
  return format;
}

function parts(ms: number, timeZone: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const part of formatter(timeZone).formatToParts(ms)) if (part.type !== 'literal') out[part.type] = Number(part.value);
  return out;
}

/** The zone's offset from UTC at that instant, in ms (local wall time - UTC). */
function offsetAt(ms: number, timeZone: string): number {
  const p = parts(ms, timeZone);
  const wall = Date.UTC(p.year!, p.month! - 1, p.day!, p.hour!, p.minute!, p.second!);
  return wall - Math.floor(ms / 1_000) * 1_000;
}

/** The local date at that instant, YYYY-MM-DD. */
export function localDate(ms: number, timeZone: string): string {
  const p = parts(ms, timeZone);
  return `${p.year}-${String(p.month).padStart(2, '0')}-${String(p.day).padStart(2, '0')}`;
}

/** The instant the local day containing `ms` ends (the next local midnight). */
export function endOfLocalDay(ms: number, timeZone: string): number {
  const p = parts(ms, timeZone);
  const wallMidnight = Date.UTC(p.year!, p.month! - 1, p.day! + 1);
  // Twice: the offset at midnight may differ from the offset now (a DST change today).
  let guess = wallMidnight - offsetAt(ms, timeZone);
  guess = wallMidnight - offsetAt(guess, timeZone);
  return guess > ms ? guess : ms + 24 * 3_600_000;
}

/** Whether the runtime knows the zone (Intl throws RangeError otherwise). */
export function isTimeZone(name: string): boolean {
  try {
    formatter(name);
    return true;
  } catch {
    return false;
  }
}
