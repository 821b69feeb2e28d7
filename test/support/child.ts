import { spawn, type ChildProcess, type SpawnOptions } from "node:child_process";
import * as path from "node:path";
import { pathToFileURL } from "node:url";

/** tsx's loader by absolute URL, so the child may run in any working directory. */
const TSX = pathToFileURL(path.join(path.dirname(require.resolve("tsx/package.json")), "dist", "loader.mjs")).href;

export const CLI_MAIN = path.join(__dirname, "../../cli/main.ts");

/** Runs a TypeScript entry point in a child Node (through tsx), as the built CLI would run. */
export function spawnTs(file: string, args: string[], options: SpawnOptions = {}): ChildProcess {
  return spawn(process.execPath, ["--import", TSX, file, ...args], { stdio: ["ignore", "pipe", "pipe"], ...options });
}

export interface Finished {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Collects a child's output until it exits; kills it (and says so) when it outlives `limitMs`. */
export function finished(child: ChildProcess, limitMs = 60_000): Promise<Finished> {
  let stdout = "";
  let stderr = "";
  child.stdout?.on("data", (c: Buffer) => (stdout += c.toString()));
  child.stderr?.on("data", (c: Buffer) => (stderr += c.toString()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`still running after ${limitMs} ms:\n${stdout}\n${stderr}`));
    }, limitMs);
    child.once("exit", (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}
