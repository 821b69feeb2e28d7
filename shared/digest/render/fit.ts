/**
 * Summarizing to a channel's limits: render with fewer items per section until the payload fits.
 * Every step keeps the counts and the links to the API, so a smaller message loses detail, not facts.
 */
import type { Digest } from "../model";
import { type DigestLayout, layoutDigest, type LayoutOptions } from "../layout";

const ITEM_STEPS = [10, 6, 4, 2, 1, 0];

export interface Fitted<P> {
  payload: P;
  /** Items per section in the payload that fitted. */
  maxItems: number;
}

/**
 * The richest payload whose `problem(payload)` is undefined. With no items left it still cannot fail:
 * `minimal` renders only the title, headline, warnings and link.
 */
export function fitLayout<P>(
  digest: Digest,
  options: Omit<LayoutOptions, "maxItems"> & { startItems?: number },
  render: (layout: DigestLayout) => P,
  problem: (payload: P) => string | undefined,
): Fitted<P> {
  const steps = ITEM_STEPS.filter((n) => n <= (options.startItems ?? ITEM_STEPS[0]));
  for (const maxItems of steps) {
    const payload = render(layoutDigest(digest, { ...options, maxItems }));
    if (!problem(payload)) return { payload, maxItems };
  }
  const layout = layoutDigest(digest, { ...options, maxItems: 0 });
  return { payload: render({ ...layout, warnings: layout.warnings.slice(0, 3), sections: [] }), maxItems: 0 };
}
