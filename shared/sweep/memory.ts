import { setFlagsFromString } from "node:v8";

/**
 * Lets V8's old generation grow by 40% between full collections instead of up to 4×, and caps the
 * young generation's semi-spaces at 8 MB. A sweep keeps a ~45 MB snapshot of a 10,000-cluster fleet
 * while ~80 Resource Graph pages of parsed JSON (tens of MB each) pass through; with V8's defaults
 * the process swells to ~370 MB RSS, with these it stays near 235 MB for about 15% more CPU
 * (`--optimize-for-size` went lower still but doubled the CPU). Both are read when the heap next
 * resizes, so setting them at run time takes effect. Called by the sweep's process entry points
 * (command, timer), not by the use case itself.
 */
export function preferSmallHeap(): void {
  setFlagsFromString("--heap-growing-percent=40 --max-semi-space-size=8");
}
