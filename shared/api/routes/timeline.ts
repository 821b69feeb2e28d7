/**
 * One cluster's timeline as the dashboard draws it: a window (by default the 30 days up to the
 * cluster's latest change), the failing count summarised to at most `points` intervals, the changes
 * per component, and the failure episodes a page at a time. `/history` keeps the raw transitions.
 */
import { collect } from "../../store/paging";
import { failureEpisodes } from "../episodes";
import { badParameter } from "../errors";
import { defineRoute } from "../http";
import { clusterNotes } from "../operations-view";
import type { QuerySpec } from "../params";
import { componentActivity, episodePage, failingSeries } from "../timeline";
import { queryDigest, TOKEN_PARAMETER } from "../token";
import { CLUSTER_PATH, CLUSTER_ROUTE, clusterIdFromParams, unknownCluster } from "./clusters";

/** The default window: long enough for a month of a cluster's life, short enough to read at once. */
const DEFAULT_WINDOW_DAYS = 30;
const DAY_MS = 86_400_000;

const TIMELINE_QUERY = {
  from: {
    type: "date",
    description: `Start of the window: ISO 8601 or a duration back from now (\`7d\`); default: the ${DEFAULT_WINDOW_DAYS} days up to the cluster's latest change (or up to \`to\`)`,
  },
  to: { type: "date", description: "End of the window (exclusive): ISO 8601 or a duration back from now; default: now" },
  points: { type: "integer", min: 10, max: 2000, default: 400, description: "Most intervals in `series` (about the chart's width in pixels)" },
  limit: { type: "integer", min: 1, max: 500, default: 50, description: "Failure episodes per page, newest first" },
  [TOKEN_PARAMETER]: {
    type: "string",
    maxLength: 2048,
    description: "`episodes.continuationToken` of the previous answer; send the same window (`from` as that answer's `window.from`)",
  },
} satisfies QuerySpec;

export const getClusterTimeline = defineRoute({
  name: "getClusterTimeline",
  route: `${CLUSTER_ROUTE}/timeline`,
  tag: "clusters",
  summary: "One cluster's timeline summarised for a chart: failing components over a window, changes per component, failure episodes paged",
  description:
    "The answer stays small however long the history: the failing count in at most `points` intervals, and `limit` episodes a page. `window.earliestAt` older than `window.from` means there is history before the window. The raw transitions are on `/history`.",
  path: CLUSTER_PATH,
  query: TIMELINE_QUERY,
  response: "ClusterTimeline",
  errors: [404],
  async handle({ params, query, services }) {
    const id = clusterIdFromParams(params);
    if (query.from && query.to && query.from >= query.to) throw badParameter("from", "must be before to");
    const svc = await services();
    const { history } = svc;
    // The keys alone give the span; the current rows are read only for a cluster without transitions (past retention, or unknown).
    const { earliestAt, latestAt } = await history.clusterChangeSpan(id);
    if (!latestAt && !(await history.getCluster(id))?.length) throw unknownCluster(id);
    const latest = latestAt ? Date.parse(latestAt) : Date.now();
    const anchor = query.to && query.to.getTime() < latest ? query.to.getTime() : latest;
    const from = query.from ?? new Date(anchor - DEFAULT_WINDOW_DAYS * DAY_MS);
    const [transitions, notes] = await Promise.all([
      collect(history.listClusterTransitions(id, { from, to: query.to })),
      clusterNotes(svc, id, { from, to: query.to }),
    ]);
    const episodes = failureEpisodes(transitions);
    const first = transitions[0]?.at;
    const last = transitions.at(-1)?.at;
    const page = episodePage(episodes, {
      limit: query.limit ?? 50,
      continuationToken: query[TOKEN_PARAMETER],
      query: queryDigest({ route: "timeline", id, from: from.toISOString(), to: query.to?.toISOString() }),
    });
    return {
      body: {
        clusterId: id,
        window: {
          from: from.toISOString(),
          to: query.to?.toISOString() ?? null,
          defaulted: !query.from,
          earliestAt: earliestAt ?? null,
          latestAt: last ?? null,
        },
        changes: transitions.length,
        // The chart spans the window's changes, so a month-long window with one busy day is not a flat line.
        series: first && last ? failingSeries(transitions, Date.parse(first), Date.parse(last) + 1, query.points ?? 400) : { intervalMs: 0, intervals: [] },
        components: componentActivity(transitions, episodes),
        episodes: {
          total: episodes.length,
          open: episodes.filter((e) => !e.endedAt).length,
          items: page.items,
          ...(page.continuationToken ? { continuationToken: page.continuationToken } : {}),
        },
        notes,
      },
    };
  },
});
