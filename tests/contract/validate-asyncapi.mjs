// Validates an AsyncAPI document with the official parser; exits non-zero on any error.
// Usage: node validate-asyncapi.mjs <asyncapi.json>
import { readFile } from "node:fs/promises";
import { Parser, DiagnosticSeverity } from "@asyncapi/parser";

const file = process.argv[2];
if (!file) {
  console.error("usage: node validate-asyncapi.mjs <asyncapi.json>");
  process.exit(2);
}
const { document, diagnostics } = await new Parser().parse(await readFile(file, "utf8"));
const errors = diagnostics.filter((d) => d.severity === DiagnosticSeverity.Error);
const warnings = diagnostics.filter((d) => d.severity === DiagnosticSeverity.Warning);
for (const d of [...errors, ...warnings]) {
  const level = d.severity === DiagnosticSeverity.Error ? "error" : "warning";
  console.log(`${level}: ${d.code}: ${d.message} at /${d.path.join("/")}`);
}
if (!document || errors.length > 0) {
  console.error(`${file}: ${errors.length} error(s)`);
  process.exit(1);
}
const received = document.operations().filterByReceive().map((op) => op.messages()[0].name());
const sent = document.operations().filterBySend().map((op) => op.messages()[0].name());
console.log(
  `${file}: valid AsyncAPI ${document.version()}; ${received.length} client events, ` +
    `${sent.length} server events, ${warnings.length} warning(s)`,
);
