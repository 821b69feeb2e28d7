import { describe, expect, it } from "vitest";
import { parseArgs, UsageError } from "../../cli/io";
import { main } from "../../cli/main";
import { captureIo } from "../support/cli";

describe("parseArgs", () => {
  it("splits values, switches and positionals", () => {
    expect(parseArgs(["--since", "24h", "--send", "x", "--since=7d"], { values: ["since"], switches: ["send"] })).toEqual({
      options: { since: "7d", send: true },
      positional: ["x"],
    });
    expect(parseArgs(["--", "--json"], { switches: ["json"] }).positional).toEqual(["--json"]);
  });

  it("rejects unknown options and missing values", () => {
    expect(() => parseArgs(["--nope"], {})).toThrow(UsageError);
    expect(() => parseArgs(["--since"], { values: ["since"] })).toThrow(/--since/);
  });
});

describe("fleet-health main", () => {
  it("prints usage for help and exits 2 with no command", async () => {
    const io = captureIo();
    expect(await main(["--help"], io)).toBe(0);
    expect(io.out.join("\n")).toMatch(/usage: fleet-health <command>/);
    expect(await main([], captureIo())).toBe(2);
  });

  it("rejects an unknown command with exit code 2", async () => {
    const io = captureIo();
    expect(await main(["frobnicate"], io)).toBe(2);
    expect(io.err.join("\n")).toMatch(/unknown command "frobnicate"/);
  });
});
