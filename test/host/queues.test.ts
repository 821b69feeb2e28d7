/** The local host's queue triggers against Azurite's queue service, with the Functions host's semantics. */
import { randomBytes } from "node:crypto";
import { QueueClient } from "@azure/storage-queue";
import type { InvocationContext } from "@azure/functions";
import { describe, expect, it } from "vitest";
import { decodeMessage, queueSettings, startQueueTriggers } from "../../dev/host/queues";
import { encodeMessage, sendMessages } from "../../shared/store/shard-queue";
import { tablesConnection } from "../support/tables";

async function until(check: () => Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 300; i++) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe("queue triggers on the local host", () => {
  it("reads host.json's queue settings with the documented defaults", () => {
    expect(queueSettings({})).toEqual({
      batchSize: 16,
      maxDequeueCount: 5,
      visibilityTimeoutMs: 0,
      maxPollingIntervalMs: 60_000,
      messageEncoding: "base64",
      holdMs: 600_000,
    });
    expect(
      queueSettings({
        functionTimeout: "00:05:00",
        extensions: { queues: { batchSize: 1, maxDequeueCount: 3, visibilityTimeout: "00:00:30", maxPollingInterval: 2000, messageEncoding: "none" } },
      }),
    ).toEqual({
      batchSize: 1,
      maxDequeueCount: 3,
      visibilityTimeoutMs: 30_000,
      maxPollingIntervalMs: 2000,
      messageEncoding: "none",
      holdMs: 300_000,
    });
  });

  it("decodes base64 and hands JSON over parsed, other text as a string", () => {
    expect(decodeMessage(encodeMessage({ a: 1 }), "base64")).toEqual({ a: 1 });
    expect(decodeMessage(Buffer.from("plain").toString("base64"), "base64")).toBe("plain");
    expect(decodeMessage('{"a":1}', "none")).toEqual({ a: 1 });
    expect(() => decodeMessage("not base64!", "base64")).toThrow(/base64/);
  });

  it("deletes what succeeded, retries what failed and moves it to <queue>-poison after maxDequeueCount", async () => {
    const connection = tablesConnection();
    const queueName = `q${randomBytes(4).toString("hex")}`;
    const seen: Array<{ body: unknown; dequeueCount: unknown }> = [];
    const handler = async (body: unknown, context: InvocationContext) => {
      seen.push({ body, dequeueCount: context.triggerMetadata?.dequeueCount });
      if ((body as { fail?: boolean }).fail) throw new Error("shard failed");
    };
    const runner = startQueueTriggers([{ name: "worker", queueName, connection: "STORAGE", handler }], {
      env: { STORAGE: connection },
      settings: { maxDequeueCount: 3, visibilityTimeoutMs: 0, maxPollingIntervalMs: 200, batchSize: 4 },
    });
    try {
      await sendMessages(new QueueClient(connection, queueName), [{ n: 1 }, { n: 2, fail: true }]);
      const poison = new QueueClient(connection, `${queueName}-poison`);
      await until(async () => (await poison.exists()) && (await poison.getProperties()).approximateMessagesCount === 1, "the poison message");
      const { receivedMessageItems } = await poison.receiveMessages();
      expect(decodeMessage(receivedMessageItems[0].messageText, "base64")).toEqual({ n: 2, fail: true });
      expect(seen.filter((s) => (s.body as { n: number }).n === 1)).toEqual([{ body: { n: 1 }, dequeueCount: 1 }]);
      expect(seen.filter((s) => (s.body as { n: number }).n === 2).map((s) => s.dequeueCount)).toEqual([1, 2, 3]);
      expect((await new QueueClient(connection, queueName).getProperties()).approximateMessagesCount).toBe(0);
    } finally {
      await runner.stop();
    }
  });
});
