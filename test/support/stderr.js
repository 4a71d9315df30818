'use strict';
// What hoptrace writes to stderr while `work` runs in this process, as lines (the writes are
// captured, not passed on).
function stderrOf(work) {
  const lines = [];
  const original = process.stderr.write;
  process.stderr.write = (chunk) => {
    lines.push(...String(chunk).split('\n').filter(Boolean));
    return true;
  };
  try {
    work();
  } finally {
    process.stderr.write = original;
  }
  return lines;
}

module.exports = { stderrOf };
