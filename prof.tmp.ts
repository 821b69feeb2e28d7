import { catalog, Classifier, normalizeMessage } from "./shared/catalog";
import { fingerprintOf } from "./shared/catalog/normalize";
import { WRAPPERS, clusterName } from "./test/catalog/wrappers";
const ex = catalog.flatMap((e) => e.examples);
const w = Object.values(WRAPPERS);
const msgs: string[] = [];
for (let i = 0; i < 40000; i++) msgs.push(i % 2 ? w[i % w.length](ex[i % ex.length], clusterName(i)) + ` (correlation id ${i}-abcdef12-1234)` : `Reconciliation finished in ${i % 9}.2s, next run in 10m0s ${i}`);
const c = new Classifier(catalog);
const time = (label: string, fn: (m: string) => unknown) => {
  for (const m of msgs) fn(m);
  const t = process.cpuUsage(); for (let r = 0; r < 3; r++) for (const m of msgs) fn(m); const u = process.cpuUsage(t);
  console.log(label, Math.round((msgs.length * 3) / ((u.user + u.system) / 1e6)), "msg/CPU-s");
};
const norm = msgs.map(normalizeMessage);
time("normalize", normalizeMessage);
let i = 0;
time("fingerprint", () => fingerprintOf(norm[i++ % norm.length]));
time("classify", (m) => c.classify(m));
