/** Stored digests (what the scheduled digest sent, with delivery status per target). */
import { apiBaseUrl } from "../../core/config";
import { DigestStoreError } from "../../digest/errors";
import { renderEmail } from "../../digest/render/email";
import { badParameter, notFound } from "../errors";
import { defineRoute } from "../http";
import type { QuerySpec } from "../params";
import { storePage } from "../paging";
import type { ApiServices } from "../services";
import { TOKEN_PARAMETER } from "../token";

/** The digest store's own input errors are the caller's: a 400 naming the parameter. */
function asBadParameter(parameter: string) {
  return (err: unknown): never => {
    if (err instanceof DigestStoreError) throw badParameter(err.code === "InvalidDigestId" ? "id" : parameter, err.message, err.code);
    throw err;
  };
}

export const listDigests = defineRoute({
  name: "listDigests",
  route: "digests",
  tag: "digests",
  summary: "Stored digests, newest window first, with delivery status per target (without content)",
  query: {
    limit: { type: "integer", min: 1, max: 100, default: 20, description: "Page size" },
    [TOKEN_PARAMETER]: { type: "string", maxLength: 2048, description: "From the previous page" },
  } satisfies QuerySpec,
  response: "DigestPage",
  async handle({ query, services }) {
    const { digests } = await services();
    return { body: await storePage("digests", query[TOKEN_PARAMETER], query.limit ?? 20, digests.list()) };
  },
});

async function storedDigest(id: string, services: () => Promise<ApiServices>) {
  const stored = await (await services()).digests.get(id).catch(asBadParameter("id"));
  if (!stored) throw notFound(`id: no digest ${id}`, "id");
  return stored;
}

const DIGEST_ID = { id: { description: "Digest id: `<from>_<to>` of its window, e.g. `20261121T070000Z_20261122T070000Z`" } };

export const getDigest = defineRoute({
  name: "getDigest",
  route: "digests/{id}",
  tag: "digests",
  summary: "One stored digest with its content and delivery status",
  path: DIGEST_ID,
  response: "Digest",
  errors: [404],
  async handle({ params, services }) {
    return { body: await storedDigest(params.id ?? "", services) };
  },
});

export const getDigestEmail = defineRoute({
  name: "getDigestEmail",
  route: "digests/{id}/email",
  tag: "digests",
  summary: "The e-mail a stored digest sends (subject, plain text, HTML), rendered by the e-mail target's own code with FLEET_API_BASE_URL",
  path: DIGEST_ID,
  response: "DigestEmail",
  errors: [404],
  async handle({ params, services }) {
    const stored = await storedDigest(params.id ?? "", services);
    const { subject, plainText, html } = renderEmail(stored.digest, { apiBaseUrl: apiBaseUrl() });
    return { body: { id: stored.id, subject, text: plainText, html } };
  },
});
