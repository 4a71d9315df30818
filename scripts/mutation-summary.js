'use strict';
// The score per folder from Stryker's JSON reports (reports/mutation/<scope>.json), as Stryker
// counts it: (killed + timed out) / (killed + timed out + survived + no coverage); mutants that do
// not compile or crash the run are left out. Then every survivor: file, line, mutator and the
// replacement, for test/MUTATION.md.
const fs = require('node:fs');
const path = require('node:path');

const scopes = process.argv.slice(2);
const DETECTED = new Set(['Killed', 'Timeout']);
const UNDETECTED = new Set(['Survived', 'NoCoverage']);

const byFolder = new Map();
const survivors = [];
for (const scope of scopes) {
  const file = path.join('reports', 'mutation', `${scope}.json`);
  if (!fs.existsSync(file)) {
    console.log(`${scope}: no report (${file})`);
    continue;
  }
  const report = JSON.parse(fs.readFileSync(file, 'utf8'));
  for (const [name, { mutants }] of Object.entries(report.files)) {
    const folder = path.dirname(name).replace(/^dist\//, '');
    const counts = byFolder.get(folder) ?? { detected: 0, undetected: 0, other: 0 };
    byFolder.set(folder, counts);
    for (const mutant of mutants) {
      if (DETECTED.has(mutant.status)) counts.detected++;
      else if (UNDETECTED.has(mutant.status)) {
        counts.undetected++;
        survivors.push(`${name}:${mutant.location.start.line} ${mutant.mutatorName}: ${JSON.stringify(mutant.replacement ?? '')}`);
      } else counts.other++;
    }
  }
}

console.log('\n| folder | mutants | detected | survived | score |\n|---|---|---|---|---|');
for (const [folder, { detected, undetected, other }] of [...byFolder].sort()) {
  const score = detected + undetected === 0 ? 'n/a' : `${((100 * detected) / (detected + undetected)).toFixed(1)} %`;
  console.log(`| ${folder} | ${detected + undetected + other} | ${detected} | ${undetected} | ${score} |`);
}
console.log(`\n${survivors.length} survivors:`);
for (const line of survivors) console.log(line);
