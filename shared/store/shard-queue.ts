/**
 * The shard queue on Azure Storage queues. It lives in the Functions host's own storage account
 * (`AzureWebJobsStorage`, the connection the queue trigger uses by default): a connection string
 * locally (Azurite), `AzureWebJobsStorage__queueServiceUri` with the app's managed identity in Azure.
 * Messages are base64 text, the host's default `messageEncoding`, so the trigger hands the handler
 * the parsed JSON.
 */
import type { TokenCredential } from "@azure/core-auth";
import { DefaultAzureCredential } from "@azure/identity";
import { QueueClient, QueueServiceClient } from "@azure/storage-queue";
import type { Env } from "../core/config";

/** The host's storage connection names, read as the Functions host reads them (not FLEET_* settings: the host owns them). */
export const HOST_STORAGE = "AzureWebJobsStorage";

export interface QueueConnection {
  connectionString?: string;
  queueServiceUri?: string;
  credential?: TokenCredential;
}

/** The host storage's queue connection, or undefined when the environment names none (then sweeps run inline). */
export function hostQueueConnection(env: Env): QueueConnection | undefined {
  const connectionString = env[HOST_STORAGE]?.trim();
  if (connectionString && /QueueEndpoint=|UseDevelopmentStorage=true|AccountName=/i.test(connectionString)) return { connectionString };
  const queueServiceUri = env[`${HOST_STORAGE}__queueServiceUri`]?.trim();
  return queueServiceUri ? { queueServiceUri } : undefined;
}

export function openQueue(connection: QueueConnection, name: string): QueueClient {
  if (connection.connectionString) return new QueueClient(connection.connectionString, name);
  if (!connection.queueServiceUri) throw new Error("a queue connection needs a connection string or a queue service URI");
  return new QueueServiceClient(connection.queueServiceUri, connection.credential ?? new DefaultAzureCredential()).getQueueClient(name);
}

export const encodeMessage = (value: unknown): string => Buffer.from(JSON.stringify(value), "utf8").toString("base64");

/** Sends each value as one base64 JSON message, creating the queue on first use. */
export async function sendMessages(queue: QueueClient, values: unknown[], options: { abortSignal?: AbortSignal } = {}): Promise<void> {
  await queue.createIfNotExists({ abortSignal: options.abortSignal });
  for (const value of values) await queue.sendMessage(encodeMessage(value), { abortSignal: options.abortSignal });
}
