'use strict';
// Renders one trace from Jaeger's query API (GET /api/traces/{id}) as a terminal waterfall: one row
// per span, depth-first, with service, operation, start offset and duration, a bar scaled to the
// trace, and ✗ on spans that failed.

const BAR_WIDTH = 36;

function isError(span) {
  return span.tags.some((t) => (t.key === 'error' && t.value === true) || (t.key === 'otel.status_code' && t.value === 'ERROR'));
}

function parentOf(span) {
  const ref = span.references.find((r) => r.refType === 'CHILD_OF' && r.traceID === span.traceID);
  return ref && ref.spanID;
}

function renderWaterfall(trace) {
  const byId = new Map(trace.spans.map((s) => [s.spanID, s]));
  const children = new Map();
  const roots = [];
  for (const span of trace.spans) {
    const parent = parentOf(span);
    if (parent && byId.has(parent)) {
      if (!children.has(parent)) children.set(parent, []);
      children.get(parent).push(span);
    } else roots.push(span);
  }
  const start = Math.min(...trace.spans.map((s) => s.startTime));
  const end = Math.max(...trace.spans.map((s) => s.startTime + s.duration));
  const total = Math.max(end - start, 1);
  const rows = [];
  const walk = (span, depth) => {
    const service = trace.processes[span.processID].serviceName;
    const offset = Math.round(((span.startTime - start) / total) * BAR_WIDTH);
    const width = Math.max(1, Math.round((span.duration / total) * BAR_WIDTH));
    const bar = ' '.repeat(offset) + '█'.repeat(Math.min(width, BAR_WIDTH - offset));
    const label = `${'  '.repeat(depth)}${service}: ${span.operationName}`;
    const kind = (span.tags.find((t) => t.key === 'span.kind') || {}).value || '';
    rows.push(
      `${isError(span) ? '✗' : ' '} ${label.padEnd(38).slice(0, 38)} ${kind.padEnd(8)} ` +
        `+${((span.startTime - start) / 1000).toFixed(1).padStart(6)}ms ${(span.duration / 1000).toFixed(1).padStart(7)}ms |${bar.padEnd(BAR_WIDTH)}|`,
    );
    for (const child of (children.get(span.spanID) || []).sort((a, b) => a.startTime - b.startTime)) walk(child, depth + 1);
  };
  for (const root of roots.sort((a, b) => a.startTime - b.startTime)) walk(root, 0);
  return rows;
}

module.exports = { renderWaterfall };
