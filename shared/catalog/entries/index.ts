import type { CatalogEntry } from "../types";
import { entries as arc } from "./arc";
import { entries as cli } from "./cli";
import { entries as extensions } from "./extensions";
import { entries as field } from "./field";
import { entries as flux } from "./flux";
import { entries as helm } from "./helm";
import { entries as osm } from "./osm";
import { entries as serviceConnector } from "./service-connector";

/** Every catalog entry, documented ones first; one file per area so reviewers find an entry by topic. */
export const catalogEntries: readonly CatalogEntry[] = [...arc, ...cli, ...flux, ...extensions, ...helm, ...serviceConnector, ...osm, ...field];
