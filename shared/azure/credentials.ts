/**
 * Credentials for ARM: `FLEET_ARM_TOKEN` (a fixed bearer token, for local simulators only) or
 * `DefaultAzureCredential` (managed identity in Azure, `az login` on a laptop). @azure/identity is
 * imported only when needed: it is large, and a simulator run never uses it.
 */
import type { AccessToken, TokenCredential } from "@azure/core-auth";
import { Env, setting } from "../core/config";

/** A credential that always answers the same token; `isTokenCredential` only checks for `getToken`. */
export function staticTokenCredential(token: string): TokenCredential {
  return {
    async getToken(): Promise<AccessToken> {
      return { token, expiresOnTimestamp: Date.now() + 60 * 60_000, tokenType: "Bearer" };
    },
  };
}

/** The credential the settings ask for. */
export async function armCredential(env: Env = process.env): Promise<TokenCredential> {
  const token = setting("armToken", env);
  if (token) return staticTokenCredential(token);
  const { DefaultAzureCredential } = await import("@azure/identity");
  return new DefaultAzureCredential();
}
