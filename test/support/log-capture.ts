// Captures every log line a server writes, so tests can assert on them (and that no
// secret ever appears in one).
import Transport from 'winston-transport';

export class CapturedLogs extends Transport {
  readonly lines: string[] = [];

  override log(info: Record<string | symbol, unknown>, next: () => void): void {
    const message = info[Symbol.for('message')];
    this.lines.push(typeof message === 'string' ? message : JSON.stringify(info));
    next();
  }

  text(): string {
    return this.lines.join('\n');
  }
}
