/** The fleet gauges for Prometheus to scrape, from the same read model as `/summary`. */
import { defineRoute } from "../http";
import { PROMETHEUS_CONTENT_TYPE, renderPrometheus } from "../../telemetry/prometheus";

export const getMetrics = defineRoute({
  name: "getMetrics",
  route: "metrics",
  tag: "meta",
  summary: "The fleet gauges in the Prometheus text exposition format (0.0.4), for Prometheus or Azure Managed Prometheus to scrape",
  description:
    "Components by state, catalog entry, category, severity, extension type and cluster kind; clusters by kind, connectivity and state; open incidents; partial scopes; the time of the latest and latest complete sweep. The same names and dimensions as the OpenTelemetry metrics (dots as underscores); no cluster name or id is a label.",
  response: { type: "string" },
  contentType: PROMETHEUS_CONTENT_TYPE,
  async handle({ services }) {
    const view = await (await services()).view();
    const { latestSweep, lastCompleteSweep } = view.summary;
    return {
      body: renderPrometheus(view.gauges, { latest: latestSweep?.finishedAt, lastComplete: lastCompleteSweep?.finishedAt }),
      headers: { "cache-control": "no-cache" },
    };
  },
});
