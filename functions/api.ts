/** HTTP API: every route of shared/api, registered with the Functions host. */
import { app } from "@azure/functions";
import { apiFunctions } from "../shared/api/routes";
import { servicesFromEnv } from "../shared/api/services";

for (const [name, options] of apiFunctions(servicesFromEnv())) app.http(name, options);
