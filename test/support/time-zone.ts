// Time zones for tests of "today's showings".

/**
 * A zone whose local time now is far from midnight (02:00-18:00), so "today's showings"
 * over the next few hours of a test's clock stay on one local day whenever it runs.
 */
export function zoneAwayFromMidnight(): string {
  for (const zone of ['UTC', 'Asia/Tokyo', 'America/New_York', 'Asia/Kolkata', 'America/Los_Angeles', 'Europe/Berlin']) {
    const hour = Number(new Intl.DateTimeFormat('en-GB', { timeZone: zone, hour: '2-digit', hourCycle: 'h23' }).format(Date.now()));
    if (hour >= 2 && hour < 18) return zone;
  }
  throw new Error('no zone between 02:00 and 18:00: impossible with six zones 3+ hours apart');
}
