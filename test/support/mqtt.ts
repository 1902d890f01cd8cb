// MQTT for tests: a recording subscriber, and a throwaway Mosquitto of the test's own (a
// broker to restart mid-stream without touching the shared one on 1883).
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { connect as tcpConnect } from 'node:net';
import { join } from 'node:path';
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import { tempDir } from './server.js';

/** The shared broker (.ci/run starts it when it is down). */
export const SHARED_MQTT_URL = process.env.TEST_MQTT_URL ?? 'mqtt://127.0.0.1:1883';

/** A topic prefix no other test run (or developer) shares on the shared broker. */
export function uniquePrefix(): string {
  return `seats-sync-test/${randomUUID()}`;
}

export interface Received {
  topic: string;
  retain: boolean;
  /** Parsed JSON; null for an empty (retained-clearing) message. */
  payload: any;
}

export class MqttRecorder {
  readonly messages: Received[] = [];
  private waiters: (() => void)[] = [];

  private constructor(readonly client: MqttClient) {
    client.on('message', (topic, payload, packet) => {
      this.messages.push({ topic, retain: packet.retain, payload: payload.length === 0 ? null : JSON.parse(payload.toString('utf8')) });
      for (const wake of this.waiters.splice(0)) wake();
    });
  }

  static async connect(url: string, filter: string, options: IClientOptions = {}): Promise<MqttRecorder> {
    const client = await mqtt.connectAsync(url, { reconnectPeriod: 200, ...options });
    const recorder = new MqttRecorder(client);
    await client.subscribeAsync(filter, { qos: 1 });
    return recorder;
  }

  /** Resolves with the first message (already received or to come) that matches. */
  async waitFor(predicate: (message: Received) => boolean, what: string, timeoutMs = 10_000): Promise<Received> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.messages.find(predicate);
      if (found) return found;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out waiting for ${what}; got ${this.messages.length} messages, last: ${JSON.stringify(this.messages.at(-1))?.slice(0, 300)}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** Versions of change messages on `stream`, in arrival order. */
  changeVersions(stream: string): number[] {
    return this.messages.filter((m) => m.payload?.type === 'change' && m.payload.stream === stream).map((m) => m.payload.version as number);
  }

  async close(): Promise<void> {
    await this.client.endAsync(true);
  }
}

export interface Mosquitto {
  url: string;
  port: number;
  start(): Promise<void>;
  /** SIGTERM (it saves its persistence file) and wait for the exit. */
  stop(): Promise<void>;
}

async function accepting(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = tcpConnect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** A Mosquitto on `port` with persistence in its own folder, so queued QoS 1 messages of persistent sessions survive its restart. */
export function throwawayMosquitto(port: number): Mosquitto {
  const dir = tempDir('seats-sync-mosquitto-');
  const configFile = join(dir, 'mosquitto.conf');
  writeFileSync(configFile, [`listener ${port} 127.0.0.1`, 'allow_anonymous true', 'persistence true', `persistence_location ${dir}/`, ''].join('\n'));
  let child: ChildProcess | undefined;
  return {
    url: `mqtt://127.0.0.1:${port}`,
    port,
    async start() {
      const started = spawn('mosquitto', ['-c', configFile], { stdio: 'ignore' });
      child = started;
      const deadline = Date.now() + 10_000;
      while (!(await accepting(port))) {
        if (started.exitCode !== null) throw new Error(`mosquitto exited with ${started.exitCode}`);
        if (Date.now() > deadline) throw new Error('mosquitto did not start in 10 s');
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    },
    async stop() {
      const running = child;
      child = undefined;
      if (!running || running.exitCode !== null) return;
      const exited = new Promise((resolve) => running.once('exit', resolve));
      running.kill('SIGTERM');
      await exited;
    },
  };
}
