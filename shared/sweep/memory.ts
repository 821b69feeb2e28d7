import { setFlagsFromString } from "node:v8";

/**
 * Lets V8's old generation grow by 40% between full collections instead of up to 4×, and caps the
 * young generation's semi-spaces at 8 MB. A sweep keeps a ~45 MB snapshot of a 10,000-cluster fleet
 * while ~80 Resource Graph pages of parsed JSON (tens of MB each) pass through; with V8's defaults
 * the process swells to ~370 MB RSS, with these it stays near 235 MB for about 15% more CPU
 * (`--optimize-for-size` went lower still but doubled the CPU).
 *
 * In Azure the Functions worker gets them at process start from the `languageWorkers__node__arguments`
 * app setting (infra/modules/app-settings.bicep, checked equal to this by test/infra): they then
 * apply to every function in the worker by design, not as a side effect of one handler.
 */
export const SMALL_HEAP_FLAGS = "--heap-growing-percent=40 --max-semi-space-size=8";

/**
 * For processes that run nothing but a sweep (the CLI's sweep and start commands, the benchmark):
 * both flags are read when the heap next resizes, so setting them at run time takes effect.
 */
export function preferSmallHeap(): void {
  setFlagsFromString(SMALL_HEAP_FLAGS);
}
