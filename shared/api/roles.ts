/**
 * Who may change silences, acknowledgements and notes. Reading needs what it always needed (the
 * function key); changing needs the operator role:
 * - in Azure, behind App Service authentication (Easy Auth), the app role `FleetHealth.Operate` of the
 *   Entra ID app, read from the `x-ms-client-principal` header the platform injects: base64 JSON
 *   `{auth_typ, claims: [{typ, val}], name_typ, role_typ}`, role claims being those of type `role_typ`
 *   (or `roles`, as Entra ID names app roles in tokens). The platform strips callers' own copies of
 *   this header, which is why it is trusted only when the platform says Easy Auth is on;
 * - locally (no Easy Auth), the second key FLEET_OPERATOR_KEY in `x-fleet-operator-key`. A principal
 *   header there is anybody's forgery and is ignored.
 * Without the role: 403, and nothing changes.
 */
import { keyMatches } from "../core/secrets";
import type { HttpRequest } from "@azure/functions";
import { ApiError } from "./errors";
import type { OperatorAuth } from "./services";

export const OPERATE_ROLE = "FleetHealth.Operate";
export const OPERATOR_KEY_HEADER = "x-fleet-operator-key";
/** Locally, who the key holder says they are (for the audit trail); the key is what authorizes. */
export const OPERATOR_NAME_HEADER = "x-fleet-operator";

interface ClientPrincipal {
  auth_typ?: string;
  name_typ?: string;
  role_typ?: string;
  claims?: Array<{ typ?: unknown; val?: unknown }>;
}

const forbidden = (message: string) => new ApiError(403, "Forbidden", message);

/** The claims of the platform's principal header, or undefined when it is absent or unreadable. */
export function parseClientPrincipal(header: string | null): { name?: string; roles: string[] } | undefined {
  if (!header) return undefined;
  let principal: ClientPrincipal;
  try {
    principal = JSON.parse(Buffer.from(header, "base64").toString("utf8")) as ClientPrincipal;
  } catch {
    return undefined;
  }
  if (typeof principal !== "object" || principal === null || !Array.isArray(principal.claims)) return undefined;
  const claims = principal.claims.filter((c): c is { typ: string; val: string } => typeof c?.typ === "string" && typeof c?.val === "string");
  const roleTypes = new Set(["roles", principal.role_typ].filter((t): t is string => typeof t === "string" && t.length > 0));
  const nameTypes = [principal.name_typ, "preferred_username", "name"].filter((t): t is string => typeof t === "string" && t.length > 0);
  const name = nameTypes.map((t) => claims.find((c) => c.typ === t)?.val).find(Boolean);
  return { ...(name ? { name } : {}), roles: claims.filter((c) => roleTypes.has(c.typ)).map((c) => c.val) };
}

/** The operator making a change (their name goes to the audit trail); a 403 for anybody else. */
export function requireOperator(req: HttpRequest, auth: OperatorAuth): string {
  if (auth.easyAuth) {
    const principal = parseClientPrincipal(req.headers.get("x-ms-client-principal"));
    if (!principal) throw forbidden(`signing in is required to change this; the caller needs the app role ${OPERATE_ROLE}`);
    if (!principal.roles.includes(OPERATE_ROLE)) throw forbidden(`the caller does not have the app role ${OPERATE_ROLE} of the fleet-health app`);
    return principal.name ?? req.headers.get("x-ms-client-principal-name") ?? req.headers.get("x-ms-client-principal-id") ?? "unknown principal";
  }
  if (!auth.operatorKey)
    throw forbidden(
      "changes are disabled: no operator role is configured (set FLEET_OPERATOR_KEY locally; in Azure, Easy Auth with the FleetHealth.Operate app role)",
    );
  if (!keyMatches(req.headers.get(OPERATOR_KEY_HEADER), auth.operatorKey))
    throw forbidden(`the operator key (${OPERATOR_KEY_HEADER} header) is missing or wrong`);
  const name = req.headers.get(OPERATOR_NAME_HEADER)?.trim();
  return name ? `${name.slice(0, 100)} (operator key)` : "operator key";
}
