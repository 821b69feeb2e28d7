/** A cluster's failure episodes, notes and summarised timeline (`/timeline`); re-exported by ./schemas.ts. */
import { Type, type Static } from "@sinclair/typebox";
import { HEALTH_STATES } from "../core/model";
import { count, dateTime, named, nullable, oneOf, opt, page, str } from "./schema-kit";

export const Episode = named(
  "Episode",
  Type.Object({
    componentId: str(),
    componentName: str(),
    catalogId: nullable(Type.String()),
    startedAt: nullable(dateTime()),
    startedBeforeWindow: Type.Boolean(),
    endedAt: nullable(dateTime()),
    timeToRecoverMs: nullable(count()),
  }),
);

/** An operator's note on the cluster's timeline (see docs/operations.md). */
export const TimelineNote = named(
  "TimelineNote",
  Type.Object({ id: str(), clusterId: str(), componentId: opt(str("The component the note is about")), by: str(), at: dateTime(), text: str() }),
);

const TimelineInterval = Type.Object({
  at: dateTime("Start of the interval"),
  failing: count("Failing or degraded components at the end of the interval"),
  min: count("Fewest failing or degraded components during the interval"),
  max: count("Most failing or degraded components during the interval"),
  changes: count("State changes in the interval"),
});

export const ClusterTimeline = named(
  "ClusterTimeline",
  Type.Object({
    clusterId: str(),
    window: Type.Object({
      from: dateTime("Start of the window read"),
      to: nullable(dateTime("End of the window; null: up to now")),
      defaulted: Type.Boolean({ description: "True when `from` was not given: the API chose the 30 days up to the cluster's latest change" }),
      earliestAt: nullable(dateTime("The cluster's oldest recorded change (null: none); older than `from` means history outside the window")),
      latestAt: nullable(dateTime("The cluster's latest recorded change in the window")),
    }),
    changes: count("State changes in the window (transitions)"),
    series: Type.Object(
      {
        intervalMs: count("Length of one interval"),
        intervals: Type.Array(TimelineInterval, { description: "Intervals with a change, and the first; the count holds between them" }),
      },
      { description: "Failing or degraded components over the window, in at most `points` intervals" },
    ),
    components: Type.Array(
      Type.Object({
        componentId: str(),
        componentName: str(),
        changes: count("State changes in the window"),
        episodes: count("Failure episodes in the window"),
        state: Type.Union([oneOf(HEALTH_STATES), Type.Literal("deleted")], { description: "After its last change in the window" }),
      }),
      { description: "Components that changed in the window, most changes first" },
    ),
    episodes: Type.Composite([Type.Object({ total: count("Episodes in the window"), open: count("Of them still open") }), page(Episode)]),
    notes: Type.Array(TimelineNote),
  }),
);

export type ClusterTimelineBody = Static<typeof ClusterTimeline>;
export type EpisodeBody = Static<typeof Episode>;
