/**
 * Several clients of one principal (shard workers of one identity) share Resource Graph's quota and
 * each sees the others only in the quota headers of its own answers: how many there are, and what
 * share of the remaining quota is ours. Pure; used by QuotaPacer.
 */

/**
 * How many clients spend the principal's quota, ourselves included: the drop of `remaining` between
 * our own answers divided by our own queries in between, over this window and the earlier ones
 * (halved per window, so clients that stop are forgotten within a few windows); `assumed` until measured.
 */
export class ClientEstimate {
  private drop = 0;
  private own = 0;
  constructor(private readonly assumed = 4) {}

  /** The estimate, counting the current window's figures too; 1..64. */
  clients(current?: { drop: number; own: number }): number {
    const drop = this.drop + (current?.drop ?? 0);
    const own = this.own + (current?.own ?? 0);
    return own < 2 ? this.assumed : Math.min(64, Math.max(1, drop / own));
  }

  /** A window ended with these figures. */
  fold(window: { drop: number; own: number }): void {
    this.drop = this.drop / 2 + window.drop;
    this.own = this.own / 2 + window.own;
  }
}

/** Our share of `remaining` when `clients` spend it alike, less our queries sent since that count. */
export function shareLeft(remaining: number, clients: number, sentSince: number): number {
  return Math.floor(remaining / clients) - sentSince;
}
