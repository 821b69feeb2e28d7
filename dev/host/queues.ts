/**
 * Runs queue-triggered functions as the Functions host's queue extension does (host.json
 * `extensions.queues`, defaults from its documentation): poll with a backoff up to
 * `maxPollingInterval` while the queue is empty, take up to `batchSize` messages hidden for the
 * function timeout, decode them per `messageEncoding` (base64 by default) and hand JSON over parsed;
 * delete a message whose invocation succeeded; after a failure make it visible again after
 * `visibilityTimeout`, or, once it was dequeued `maxDequeueCount` times, move it to `<queue>-poison`.
 * Not modelled: `newBatchThreshold` (a batch is finished before the next is fetched) and renewing
 * the hold of a message that runs past the function timeout.
 */
import { randomUUID } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { InvocationContext } from "@azure/functions";
import type { QueueClient } from "@azure/storage-queue";
import type { Env } from "../../shared/core/config";
import { openQueue } from "../../shared/store/shard-queue";
import { poisonQueueName } from "../../shared/sweep/shards";
import type { QueueRegistration } from "./registrations";

export interface QueueSettings {
  batchSize: number;
  maxDequeueCount: number;
  /** Delay before a failed message is retried (ms). */
  visibilityTimeoutMs: number;
  maxPollingIntervalMs: number;
  messageEncoding: "base64" | "none";
  /** How long a message stays hidden while its invocation runs: the function timeout. */
  holdMs: number;
}

export const QUEUE_DEFAULTS: QueueSettings = {
  batchSize: 16,
  maxDequeueCount: 5,
  visibilityTimeoutMs: 0,
  maxPollingIntervalMs: 60_000,
  messageEncoding: "base64",
  holdMs: 10 * 60_000,
};

/** `hh:mm:ss` (host.json's TimeSpan) or a number of milliseconds, as host.json accepts both for maxPollingInterval. */
function duration(value: unknown, fallback: number): number {
  if (typeof value === "number") return value;
  const m = typeof value === "string" ? /^(\d+):(\d{2}):(\d{2})(?:\.(\d+))?$/.exec(value) : null;
  return m ? ((Number(m[1]) * 60 + Number(m[2])) * 60 + Number(m[3])) * 1000 : fallback;
}

export function queueSettings(hostJson: unknown): QueueSettings {
  const host = hostJson as { functionTimeout?: string; extensions?: { queues?: Record<string, unknown> } };
  const q = host.extensions?.queues ?? {};
  return {
    batchSize: typeof q.batchSize === "number" ? q.batchSize : QUEUE_DEFAULTS.batchSize,
    maxDequeueCount: typeof q.maxDequeueCount === "number" ? q.maxDequeueCount : QUEUE_DEFAULTS.maxDequeueCount,
    visibilityTimeoutMs: duration(q.visibilityTimeout, QUEUE_DEFAULTS.visibilityTimeoutMs),
    maxPollingIntervalMs: duration(q.maxPollingInterval, QUEUE_DEFAULTS.maxPollingIntervalMs),
    messageEncoding: q.messageEncoding === "none" ? "none" : "base64",
    holdMs: duration(host.functionTimeout, QUEUE_DEFAULTS.holdMs),
  };
}

export function readQueueSettings(root: string): QueueSettings {
  return queueSettings(JSON.parse(fs.readFileSync(path.join(root, "host.json"), "utf8")));
}

/** What the trigger hands the function: JSON parsed, other text as a string. */
export function decodeMessage(text: string, encoding: QueueSettings["messageEncoding"]): unknown {
  let body = text;
  if (encoding === "base64") {
    const bytes = Buffer.from(text, "base64");
    if (bytes.toString("base64") !== text.replace(/\s/g, "")) throw new Error("the message is not valid base64 (host.json messageEncoding is base64)");
    body = bytes.toString("utf8");
  }
  try {
    return JSON.parse(body);
  } catch {
    return body;
  }
}

export interface QueueRunnerOptions {
  env?: Env;
  settings?: Partial<QueueSettings>;
  log?: (line: string) => void;
  /** First wait after an empty poll (ms); it doubles up to maxPollingInterval. */
  minPollingIntervalMs?: number;
}

export function startQueueTriggers(registrations: QueueRegistration[], options: QueueRunnerOptions = {}): { stop(): Promise<void> } {
  const settings = { ...QUEUE_DEFAULTS, ...options.settings };
  const log = options.log ?? (() => undefined);
  const env = options.env ?? process.env;
  const controller = new AbortController();
  const loops = registrations.flatMap((reg) => {
    const connectionString = env[reg.connection]?.trim();
    if (!connectionString) {
      log(`${reg.name}: app setting ${reg.connection} is not set; queue trigger not run`);
      return [];
    }
    const queue = openQueue({ connectionString }, reg.queueName);
    const poison = openQueue({ connectionString }, poisonQueueName(reg.queueName));
    log(`${reg.name}: queue trigger on ${reg.queueName}`);
    return [poll(reg, queue, poison)];
  });

  async function poll(reg: QueueRegistration, queue: QueueClient, poison: QueueClient): Promise<void> {
    const signal = controller.signal;
    let wait = options.minPollingIntervalMs ?? 100;
    while (!signal.aborted) {
      try {
        await queue.createIfNotExists({ abortSignal: signal });
        const { receivedMessageItems: items } = await queue.receiveMessages({
          numberOfMessages: settings.batchSize,
          visibilityTimeout: Math.ceil(settings.holdMs / 1000),
          abortSignal: signal,
        });
        if (items.length) {
          wait = options.minPollingIntervalMs ?? 100;
          await Promise.all(items.map((item) => invoke(reg, queue, poison, item)));
          continue;
        }
      } catch (err) {
        if (signal.aborted) return;
        log(`${reg.name}: polling ${reg.queueName} failed: ${(err as Error).message}`);
      }
      await sleep(wait, signal);
      wait = Math.min(wait * 2, settings.maxPollingIntervalMs);
    }
  }

  async function invoke(
    reg: QueueRegistration,
    queue: QueueClient,
    poison: QueueClient,
    item: { messageId: string; popReceipt: string; messageText: string; dequeueCount: number; insertedOn: Date; expiresOn: Date; nextVisibleOn: Date },
  ): Promise<void> {
    const ctx = new InvocationContext({
      invocationId: randomUUID(),
      functionName: reg.name,
      triggerMetadata: {
        id: item.messageId,
        dequeueCount: item.dequeueCount,
        insertionTime: item.insertedOn,
        expirationTime: item.expiresOn,
        nextVisibleTime: item.nextVisibleOn,
        popReceipt: item.popReceipt,
      },
      logHandler: (level, ...args) => log(`[${reg.name}] ${level}: ${args.map(String).join(" ")}`),
    });
    log(`Executing 'Functions.${reg.name}' (Reason='New queue message detected on '${reg.queueName}'.', Id=${ctx.invocationId})`);
    try {
      await reg.handler(decodeMessage(item.messageText, settings.messageEncoding), ctx);
      log(`Executed 'Functions.${reg.name}' (Succeeded, Id=${ctx.invocationId})`);
      await queue.deleteMessage(item.messageId, item.popReceipt);
    } catch (err) {
      log(`Executed 'Functions.${reg.name}' (Failed, Id=${ctx.invocationId}, DequeueCount=${item.dequeueCount}): ${(err as Error).message ?? String(err)}`);
      if (item.dequeueCount >= settings.maxDequeueCount) {
        // The host copies the message text as it was and deletes the original.
        await poison.createIfNotExists();
        await poison.sendMessage(item.messageText);
        await queue.deleteMessage(item.messageId, item.popReceipt);
        log(`Message has reached MaxDequeueCount of ${settings.maxDequeueCount}. Moving message to queue '${poisonQueueName(reg.queueName)}'.`);
      } else {
        await queue.updateMessage(item.messageId, item.popReceipt, undefined, Math.ceil(settings.visibilityTimeoutMs / 1000));
      }
    }
  }

  return {
    async stop() {
      controller.abort();
      await Promise.allSettled(loops);
    },
  };
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    }
    signal.addEventListener("abort", done, { once: true });
  });
}
