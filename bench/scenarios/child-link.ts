// A load process seen from the coordinator: send a command, await the report it answers
// with. A process that dies fails every pending wait instead of hanging the bench.
import type { ChildProcess } from 'node:child_process';
import { spawnNode, stopChild } from '../targets/spawn-node.js';

export class ChildLink<Command, Report extends { msg: string }> {
  private readonly inbox: Report[] = [];
  private waiter?: { msg: string; resolve(report: Report): void; reject(error: Error): void };
  private exit?: Error;

  private constructor(private readonly child: ChildProcess) {
    child.on('message', (report: Report) => {
      this.inbox.push(report);
      this.deliver();
    });
    child.on('exit', (code, signal) => {
      this.exit = new Error(`load process exited (${code ?? signal}) before answering`);
      this.waiter?.reject(this.exit);
    });
  }

  static async start<C, R extends { msg: string }>(entry: string): Promise<ChildLink<C, R>> {
    const link = new ChildLink<C, R>(spawnNode(entry, { ipc: true }));
    await link.next('hello');
    return link;
  }

  get pid(): number {
    return this.child.pid as number;
  }

  send(command: Command): void {
    this.child.send(command as object);
  }

  async ask<M extends Report['msg']>(command: Command, answer: M, timeoutMs = 600_000): Promise<Extract<Report, { msg: M }>> {
    this.send(command);
    return this.next(answer, timeoutMs);
  }

  next<M extends Report['msg']>(msg: M, timeoutMs = 600_000): Promise<Extract<Report, { msg: M }>> {
    return new Promise((resolve, reject) => {
      if (this.exit && this.inbox.length === 0) return reject(this.exit);
      const timer = setTimeout(() => reject(new Error(`no '${msg}' from load process in ${timeoutMs} ms`)), timeoutMs);
      this.waiter = {
        msg,
        resolve: (report) => {
          clearTimeout(timer);
          resolve(report as Extract<Report, { msg: M }>);
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      };
      this.deliver();
    });
  }

  stop(): Promise<void> {
    return stopChild(this.child);
  }

  private deliver(): void {
    const waiter = this.waiter;
    if (!waiter) return;
    const index = this.inbox.findIndex((report) => report.msg === waiter.msg);
    if (index < 0) return;
    const [report] = this.inbox.splice(index, 1);
    this.waiter = undefined;
    waiter.resolve(report as Report);
  }
}
