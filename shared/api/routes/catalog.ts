/** The documented error catalog and the classifier, for people pasting an error message. */
import { catalog, ClassifyContextError, classify, getEntry, parseClassifyContext } from "../../catalog";
import { CATEGORIES, type ClassifyContext } from "../../catalog/types";
import { ApiError, badParameter, notFound } from "../errors";
import { defineRoute } from "../http";
import type { QuerySpec } from "../params";
import { ref } from "../schemas";
import { remedyFor } from "./remedy";
import { sourceDocuments } from "../../catalog/sources";

export const listCatalog = defineRoute({
  name: "listCatalog",
  route: "catalog",
  tag: "catalog",
  summary: "The documented error catalog",
  query: {
    category: { type: "enum", values: CATEGORIES, description: "Only entries of this category" },
    observable: { type: "enum", values: ["extension", "flux", "cluster", "client"], description: "Only entries seen where this says" },
  } satisfies QuerySpec,
  response: { type: "object", properties: { items: { type: "array", items: ref("CatalogEntrySummary") } }, required: ["items"] },
  async handle({ query }) {
    const items = catalog
      .filter((e) => (!query.category || e.category === query.category) && (!query.observable || e.observable.includes(query.observable as never)))
      .map((e) => ({ id: e.id, title: e.title, category: e.category, severity: e.severity, observable: e.observable, origin: e.origin, docUrl: e.docUrl }));
    return { body: { items } };
  },
});

export const getCatalogEntry = defineRoute({
  name: "getCatalogEntry",
  route: "catalog/{id}",
  tag: "catalog",
  summary: "One catalog entry: signatures, cause, steps with commands, doc link",
  path: { id: { description: "Catalog entry id, e.g. `flux-source-auth`" } },
  response: ref("CatalogEntry"),
  errors: [404],
  async handle({ params }) {
    const entry = getEntry(params.id ?? "");
    if (!entry) throw notFound(`id: no catalog entry "${(params.id ?? "").slice(0, 80)}"`, "id");
    // Sources as the documents a reader can open (title, language, link), not the seed files they were read from.
    return { body: { ...entry, sources: sourceDocuments(entry) } };
  },
});

/** The longest message worth classifying; longer pastes are almost always whole logs. */
export const MAX_MESSAGE = 32 * 1024;

/** Reads `{"message", "context"}` (JSON) or a bare message (text/plain); 400s name the field at fault. */
export function parseClassifyBody(body: string | undefined, contentType: string | null): { message: string; context: ClassifyContext } {
  if (!body?.trim()) throw badParameter("message", "the body is empty; send {\"message\": \"...\"} or the message as text/plain", "MissingBody");
  if (contentType && /^text\/plain\b/i.test(contentType)) return { message: checkMessage(body), context: {} };
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch (err) {
    throw new ApiError(400, "InvalidJson", `body: not JSON (${(err as Error).message})`, "body");
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) throw new ApiError(400, "InvalidJson", "body: expected a JSON object with a message", "body");
  const { message, context, ...rest } = parsed as Record<string, unknown>;
  const unknown = Object.keys(rest)[0];
  if (unknown) throw badParameter(unknown.slice(0, 40), "unknown field; the body has message and context", "UnknownField");
  if (typeof message !== "string") throw badParameter("message", "must be a string");
  try {
    return { message: checkMessage(message), context: parseClassifyContext(context) };
  } catch (err) {
    if (err instanceof ClassifyContextError) throw badParameter(err.field, err.problem, err.unknownField ? "UnknownField" : "InvalidParameter");
    throw err;
  }
}

function checkMessage(message: string): string {
  if (!message.trim()) throw badParameter("message", "must not be empty");
  if (message.length > MAX_MESSAGE) throw badParameter("message", `longer than ${MAX_MESSAGE} characters; paste the error lines only`);
  return message;
}

export const classifyMessage = defineRoute({
  name: "classifyMessage",
  route: "classify",
  methods: ["POST"],
  authLevel: "function",
  tag: "catalog",
  summary: "Classify a pasted error message: the catalog entry, its cause, steps and doc link",
  body: { description: "The message and, optionally, where it came from. A text/plain body is the message alone.", schema: ref("ClassifyRequest") },
  response: ref("ClassifyResult"),
  async handle({ req, body }) {
    const { message, context } = parseClassifyBody(body, req.headers.get("content-type"));
    const result = classify(message, context);
    // A pasted message names no cluster: only its kind, when given, narrows the steps.
    return { body: { ...result, entry: remedyFor(result.catalogId, { clusterKind: context.clusterKind }) } };
  },
});
