'use strict';
// `node scripts/settings-table.js [--check]`: writes README's configuration tables from the one
// declaration of every setting (agent/config/settings.ts, as built into dist/). With --check it
// writes nothing and exits 1 when README is not what the declarations make (test/unit runs it).
const fs = require('node:fs');
const path = require('node:path');

const REPO = path.resolve(__dirname, '..');
/** HOPTRACE_README: another file to check or write (the test checks a copy it spoils). */
const README = process.env.HOPTRACE_README || path.join(REPO, 'README.md');
const { SETTINGS } = require(path.join(REPO, 'dist/agent/config/settings.js'));

const begin = (table) => `<!-- settings table "${table}": written by scripts/settings-table.js from agent/config/settings.ts -->`;
const END = '<!-- end of settings table -->';

function table(name) {
  const rows = Object.values(SETTINGS).filter((setting) => setting.table === name);
  const lines = ['| variable (the first one set wins) | default | service-map key | meaning |', '|---|---|---|---|'];
  for (const setting of rows) {
    const variables = setting.env.map((variable) => `\`${variable}\``).join(', ');
    lines.push(`| ${variables} | ${setting.shown} | ${setting.fileKey ? `\`${setting.fileKey}\`` : '—'} | ${setting.meaning} |`);
  }
  return lines.join('\n');
}

/** README with each marked table replaced by what the declarations make. */
function written(readme) {
  let text = readme;
  for (const name of ['main', 'jaeger']) {
    const start = text.indexOf(begin(name));
    const end = start < 0 ? -1 : text.indexOf(END, start);
    if (start < 0 || end < 0) throw new Error(`README.md has no settings table "${name}" (${begin(name)} … ${END})`);
    text = `${text.slice(0, start)}${begin(name)}\n${table(name)}\n${text.slice(end)}`;
  }
  return text;
}

const readme = fs.readFileSync(README, 'utf8');
const expected = written(readme);
if (process.argv.includes('--check')) {
  if (expected !== readme) {
    console.error('README.md: the configuration tables are not what agent/config/settings.ts declares; run `npm run build && node scripts/settings-table.js`');
    process.exitCode = 1;
  }
} else if (expected !== readme) {
  fs.writeFileSync(README, expected);
  console.error('README.md: configuration tables written');
}
