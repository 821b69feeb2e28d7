import * as fs from "node:fs";
import * as http from "node:http";
import * as https from "node:https";
import type { AddressInfo } from "node:net";
import * as path from "node:path";

export interface ReceivedRequest {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

export interface Reply {
  status: number;
  headers?: Record<string, string>;
  body?: string;
}

export interface Receiver {
  url: string;
  requests: ReceivedRequest[];
  close(): Promise<void>;
}

const TLS_DIR = path.join(__dirname, "..", "..", "dev", "simulator", "tls");
/** The simulator's public test certificate (SAN 127.0.0.1), for receivers that must speak HTTPS. */
export const TEST_CA = fs.readFileSync(path.join(TLS_DIR, "cert.pem"));

/**
 * A real local HTTP(S) server that records every request and answers with `reply(request, index)`, or
 * leaves it unanswered when that gives undefined. `tls`: the simulator's certificate (trusted by the
 * tests), or a key and certificate of the caller's.
 */
export async function startReceiver(
  reply: (req: ReceivedRequest, index: number) => Reply | undefined = () => ({ status: 200, body: "ok" }),
  options: { tls?: boolean | { key: Buffer; cert: Buffer } } = {},
): Promise<Receiver> {
  const requests: ReceivedRequest[] = [];
  const handler: http.RequestListener = (req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const received = { method: req.method ?? "", url: req.url ?? "", headers: req.headers, body: Buffer.concat(chunks).toString("utf8") };
      requests.push(received);
      const r = reply(received, requests.length - 1);
      if (!r) return;
      res.writeHead(r.status, r.headers ?? {});
      res.end(r.body ?? "");
    });
  };
  const tls = options.tls === true ? { cert: TEST_CA, key: fs.readFileSync(path.join(TLS_DIR, "key.pem")) } : options.tls;
  const server = tls ? https.createServer(tls, handler) : http.createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `${options.tls ? "https" : "http"}://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * Azure Communication Services e-mail, as the EmailClient sees it: `POST /emails:send` answers 202 with an
 * Operation-Location to poll, and the poll answers Succeeded.
 */
export function acsEmailReply(baseUrl: () => string): (req: ReceivedRequest) => Reply {
  return (req): Reply => {
    if (req.method === "POST") {
      const id = String(req.headers["operation-id"]);
      return {
        status: 202,
        headers: {
          "operation-location": `${baseUrl()}/emails/operations/${id}?api-version=2025-09-01`,
          "retry-after": "0",
          "content-type": "application/json",
        },
        body: JSON.stringify({ id, status: "Running" }),
      };
    }
    return {
      status: 200,
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ id: req.url.split("/")[3].split("?")[0], status: "Succeeded" }),
    };
  };
}
