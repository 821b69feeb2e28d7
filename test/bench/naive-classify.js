// The naive baseline of `npm run bench:classify`'s end-to-end run: one regular expression per catalog
// phrase (every signature of every entry, tried in order on the raw message), JSON lines in through
// readline and out in the same 64 KiB pieces the CLI writes. Usage: node naive-classify.js PHRASES.json < in > out
"use strict";
const fs = require("node:fs");
const readline = require("node:readline");

const phrases = JSON.parse(fs.readFileSync(process.argv[2], "utf8")).map(({ id, source }) => ({ id, regex: new RegExp(source, "i") }));
let batch = [];
let size = 0;
const flush = () => {
  if (batch.length) process.stdout.write(batch.join("\n") + "\n");
  batch = [];
  size = 0;
};
readline
  .createInterface({ input: process.stdin, crlfDelay: Infinity })
  .on("line", (line) => {
    let answer;
    try {
      const { message } = JSON.parse(line);
      const hit = phrases.find((p) => p.regex.test(message));
      answer = { catalogId: hit ? hit.id : null };
    } catch (err) {
      answer = { catalogId: null, error: { code: "InvalidInput", message: err.message } };
    }
    const text = JSON.stringify(answer);
    batch.push(text);
    size += text.length;
    if (size >= 64 * 1024) flush();
  })
  .on("close", flush);
