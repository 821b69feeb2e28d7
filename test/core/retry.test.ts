import { RestError } from "@azure/core-rest-pipeline";
import { describe, expect, it } from "vitest";
import { ArmReadError, readWithRetries } from "../../shared/azure/errors";
import { backoffMs, isPermanentNetworkError, isRetryableStatus, sleep } from "../../shared/core/retry";
import { postJson } from "../../shared/digest/deliver/http";

const hooks = { before: async () => {}, throttled: () => {}, sleep: async () => {} };
const policy = { maxAttempts: 3, retryDelayMs: 1, maxThrottles: 2 };

describe("shared retry rules", () => {
  it("retries what a later attempt can fix, and nothing else", () => {
    expect([408, 429, 500, 503].every(isRetryableStatus)).toBe(true);
    expect([400, 403, 404, 501, 505].some(isRetryableStatus)).toBe(false);
    expect(isPermanentNetworkError("DEPTH_ZERO_SELF_SIGNED_CERT")).toBe(true);
    expect(isPermanentNetworkError("ERR_TLS_CERT_ALTNAME_INVALID")).toBe(true);
    expect(isPermanentNetworkError("ECONNRESET")).toBe(false);
  });

  it("backs off exponentially, jittered over the upper half, capped", () => {
    expect([1, 2, 3].map((n) => backoffMs(n, 100, 1000, () => 1))).toEqual([100, 200, 400]);
    expect(backoffMs(3, 100, 1000, () => 0)).toBe(200);
    expect(backoffMs(10, 100, 1000, () => 1)).toBe(1000);
  });

  it("ends a sleep when its signal aborts, with the signal's reason", async () => {
    const controller = new AbortController();
    const waiting = sleep(60_000, controller.signal);
    controller.abort(new Error("deadline"));
    await expect(waiting).rejects.toThrow("deadline");
  });
});

describe("readWithRetries", () => {
  it("recognises the SDK's RestError and keeps it as the cause", async () => {
    const sdkError = new RestError("Access denied", { statusCode: 403, code: "AuthorizationFailed" });
    const failure = await readWithRetries(() => Promise.reject(sdkError), hooks, policy).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(ArmReadError);
    expect(failure).toMatchObject({ code: "AuthorizationFailed", statusCode: 403 });
    expect((failure as Error).cause).toBe(sdkError);
  });

  it("does not retry an untrusted certificate", async () => {
    let calls = 0;
    const tls = Object.assign(new Error("self-signed certificate"), { code: "DEPTH_ZERO_SELF_SIGNED_CERT" });
    await expect(readWithRetries(() => (calls++, Promise.reject(tls)), hooks, policy)).rejects.toMatchObject({ code: "DEPTH_ZERO_SELF_SIGNED_CERT" });
    expect(calls).toBe(1);
  });

  it("sends nothing more once the signal has aborted, and throws its reason", async () => {
    const controller = new AbortController();
    let calls = 0;
    const send = () => {
      calls++;
      controller.abort(new Error("run deadline"));
      return Promise.reject(new RestError("busy", { statusCode: 503 }));
    };
    await expect(readWithRetries(send, { ...hooks, signal: controller.signal }, policy)).rejects.toThrow("run deadline");
    expect(calls).toBe(1);
  });
});

describe("postJson and the run's signal", () => {
  it("gives up at once when the signal has aborted, keeping the reason as the cause", async () => {
    const controller = new AbortController();
    controller.abort(new Error("run deadline"));
    const failure = await postJson("http://127.0.0.1:9/hook", "{}", {}, { signal: controller.signal }).catch((e: unknown) => e);
    expect(failure).toMatchObject({ code: "Timeout" });
    expect(((failure as Error).cause as Error).message).toBe("run deadline");
  });
});
