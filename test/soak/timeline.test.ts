import { describe, expect, it } from "vitest";
import { judgeTimeline, type EpochTruth, type Truth } from "./timeline";

const C = "/subscriptions/s1/resourcegroups/rg/providers/microsoft.kubernetes/connectedclusters/c1";
const epoch = (state: Truth): EpochTruth => ({ states: new Map([[C, state]]) });
const sweep = (epoch: number, partial: string[] = []) => ({ sweepId: `w${epoch}`, epoch, partialSubscriptions: new Set(partial) });

describe("the soak's timeline judge", () => {
  it("finds no fault when the store follows the truth", () => {
    const v = judgeTimeline(
      [epoch("good"), epoch("bad"), epoch("good")],
      [sweep(0), sweep(1), sweep(2)],
      [
        { sweepId: "w0", componentId: C, to: "healthy" },
        { sweepId: "w1", componentId: C, to: "failing" },
        { sweepId: "w2", componentId: C, to: "healthy" },
      ],
    );
    expect(v).toMatchObject({ comparisons: 2, lost: 0, falseTransitions: 0, duplicated: 0 });
  });

  it("counts a lost transition, a false recovery and a duplicate", () => {
    const lost = judgeTimeline([epoch("good"), epoch("bad")], [sweep(0), sweep(1)], [{ sweepId: "w0", componentId: C, to: "healthy" }]);
    expect(lost.lost).toBe(1);
    const falseRecovery = judgeTimeline(
      [epoch("bad"), epoch("bad")],
      [sweep(0), sweep(1)],
      [
        { sweepId: "w0", componentId: C, to: "failing" },
        { sweepId: "w1", componentId: C, to: "healthy" },
      ],
    );
    expect(falseRecovery).toMatchObject({ falseTransitions: 1, falseRecoveries: 1 });
    const duplicate = judgeTimeline(
      [epoch("bad")],
      [sweep(0)],
      [
        { sweepId: "w0", componentId: C, to: "failing" },
        { sweepId: "w0", componentId: C, to: "failing" },
      ],
    );
    expect(duplicate.duplicated).toBe(1);
  });

  it("skips sweeps that did not observe the component (partial, killed, dark)", () => {
    const v = judgeTimeline([epoch("good"), epoch("bad"), epoch("bad")], [sweep(0), sweep(1, ["s1"])], [{ sweepId: "w0", componentId: C, to: "healthy" }]);
    expect(v).toMatchObject({ comparisons: 0, lost: 0 });
  });
});
