/** The documented error catalog and the classifier, for people pasting an error message. */
import { catalog, classify, getEntry, parseClassifyContext } from "../../catalog";
import { CATEGORIES, type ClassifyContext } from "../../catalog/types";
import { badParameter, notFound } from "../errors";
import { defineRoute } from "../http";
import type { QuerySpec } from "../params";
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
  response: "CatalogList",
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
  response: "CatalogEntry",
  errors: [404],
  async handle({ params }) {
    const entry = getEntry(params.id ?? "");
    if (!entry) throw notFound(`id: no catalog entry "${(params.id ?? "").slice(0, 80)}"`, "id");
    // Sources as the documents a reader can open (title, language, link), not the seed files they were read from.
    return { body: { ...entry, sources: sourceDocuments(entry) } };
  },
});

/** Reads `{"message", "context"}` (JSON) or a bare message (text/plain), checked against the ClassifyRequest schema. */
export async function parseClassifyBody(body: string | undefined, contentType: string | null): Promise<{ message: string; context: ClassifyContext }> {
  const [{ checkBody, parseJsonObject }, { ClassifyRequestSchema }] = await Promise.all([import("../body"), import("../schemas")]);
  if (!body?.trim()) throw badParameter("message", 'the body is empty; send {"message": "..."} or the message as text/plain', "MissingBody");
  const plain = contentType !== null && /^text\/plain\b/i.test(contentType);
  const request = checkBody(ClassifyRequestSchema, plain ? { message: body } : parseJsonObject(body));
  // Validated by the same rules already; this only normalizes (extension types in lower case).
  return { message: request.message, context: parseClassifyContext(request.context) };
}

export const classifyMessage = defineRoute({
  name: "classifyMessage",
  route: "classify",
  methods: ["POST"],
  authLevel: "function",
  tag: "catalog",
  summary: "Classify a pasted error message: the catalog entry, its cause, steps and doc link",
  body: { description: "The message and, optionally, where it came from. A text/plain body is the message alone.", schema: "ClassifyRequest" },
  response: "ClassifyResult",
  async handle({ req, body }) {
    const { message, context } = await parseClassifyBody(body, req.headers.get("content-type"));
    const result = classify(message, context);
    // A pasted message names no cluster: only its kind, when given, narrows the steps.
    return { body: { ...result, entry: remedyFor(result.catalogId, { clusterKind: context.clusterKind }) } };
  },
});
