/** The catalog's shapes (entries, remedies) and the classify request and result; re-exported by ./schemas.ts. */
import { Type } from "@sinclair/typebox";
import { CONTEXT_FIELDS, MAX_CONTEXT_VALUE } from "../catalog/context";
import { CATEGORIES } from "../catalog/types";
import { clusterKind, itemsOf, named, nullable, oneOf, opt, str } from "./schema-kit";

export const RemediationStep = named(
  "RemediationStep",
  Type.Object({
    text: str(),
    command: opt(str("The exact command(s), one per line, placeholders in <angle brackets>")),
    clusterKinds: opt(Type.Array(clusterKind, { description: "The cluster kinds the step is for; absent: both" })),
  }),
);

export const Remedy = named(
  "Remedy",
  Type.Object({ id: str(), title: str(), category: str(), severity: str(), cause: str(), steps: Type.Array(RemediationStep), docUrl: str() }),
);

const category = oneOf(CATEGORIES);
const severity = oneOf(["critical", "high", "medium", "low"] as const);
const observable = oneOf(["extension", "flux", "cluster", "client"] as const);
/** What the summary and the whole entry share. */
const entryFields = {
  id: str(),
  title: str(),
  category,
  severity,
  observable: Type.Array(observable),
  origin: oneOf(["documented", "field"] as const),
  docUrl: str(),
};

export const CatalogEntrySummary = named("CatalogEntrySummary", Type.Object(entryFields));

export const CatalogEntry = named(
  "CatalogEntry",
  Type.Object({
    ...entryFields,
    signatures: Type.Array(Type.String(), { description: "Regular expressions (case-insensitive) over the normalized message" }),
    context: opt(
      Type.Object({ components: opt(Type.Array(Type.String())), extensionTypes: opt(Type.Array(Type.String())), clusterKinds: opt(Type.Array(clusterKind)) }),
    ),
    cause: str(),
    steps: Type.Array(RemediationStep),
    sources: opt(
      Type.Array(
        Type.Object({
          title: str("The troubleshooting document's own title"),
          language: str("BCP 47 language of that title"),
          url: str("The Microsoft Learn page"),
          section: str("The section of the document the entry was written from"),
        }),
      ),
    ),
    examples: Type.Array(Type.String()),
    nearMisses: opt(Type.Array(Type.String())),
    anchors: opt(Type.Array(Type.String(), { description: "Sentences matched within a small edit distance when no signature matches" })),
    priority: opt(Type.Integer()),
  }),
);

/** Context fields from the catalog's own rules, so the CLI, the API and this schema agree. */
const contextField = (values: readonly string[] | null) => (values ? oneOf(values) : Type.String({ maxLength: MAX_CONTEXT_VALUE }));

/** The classify body: the message, and optionally where it came from. */
export const ClassifyRequestSchema = Type.Object(
  {
    message: Type.String({ minLength: 1, maxLength: 32 * 1024, pattern: "\\S", description: "The error text; longer pastes are almost always whole logs" }),
    context: opt(
      Type.Object(Object.fromEntries(Object.entries(CONTEXT_FIELDS).map(([name, values]) => [name, opt(contextField(values))])), {
        additionalProperties: false,
      }),
    ),
  },
  { additionalProperties: false },
);
export const ClassifyRequest = named("ClassifyRequest", ClassifyRequestSchema);

export const ClassifyResult = named(
  "ClassifyResult",
  Type.Object({ catalogId: nullable(Type.String()), confidence: Type.Number(), fingerprint: str(), matched: opt(str()), entry: nullable(Remedy) }),
);

export const CatalogList = itemsOf(CatalogEntrySummary);
