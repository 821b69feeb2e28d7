import type { CatalogEntry } from "../types";

export const entries: CatalogEntry[] = [];
