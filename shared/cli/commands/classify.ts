import type { CliIo } from "../io";

// Placeholder until the classify command lands; replaced by its owner.
export async function run(_args: string[], io: CliIo): Promise<number> {
  io.stderr("fleet-health classify: not available yet");
  return 1;
}
