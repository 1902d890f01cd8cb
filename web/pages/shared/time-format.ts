// Times as a lobby and a box office read them: 24-hour, local, leading zeros.
const pad = (n: number) => String(n).padStart(2, '0');

export function hhmm(date: Date): string {
  return `${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

export function hhmmss(date: Date): string {
  return `${hhmm(date)}:${pad(date.getSeconds())}`;
}
