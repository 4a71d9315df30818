'use strict';
// What two runs of the same scenario must have in common, as a plain value to compare with
// assert.equal: every trace as a tree of spans (service, kind, name, status, events, attributes),
// children in a stable order. What differs from run to run by nature (ports, topic names, ids,
// timings) is replaced by a placeholder; everything else must be equal.

/** Attributes whose values differ between runs; their presence is still compared. */
const RUN_SPECIFIC = new Set(['server.port', 'client.port', 'network.peer.port', 'hoptrace.kafka.queue_time_ms', 'messaging.consumer.group.name']);

/**
 * `spans`: decoded spans of one or more traces. `services`: this run's service names, in the
 * order of the other run's (they are replaced by `svc0`, `svc1`, …). `replace`: [string, placeholder]
 * pairs for run-specific strings such as topic names.
 */
function spanTrees(spans, { services = [], replace = [] } = {}) {
  const scrub = (value) => {
    if (typeof value !== 'string') return value;
    let text = value.replace(/(127\.0\.0\.1|localhost):\d+/g, '$1:<port>');
    for (const [from, to] of replace) text = text.split(from).join(to);
    return text;
  };
  const serviceOf = (span) => {
    const name = span.resource['service.name'];
    const at = services.indexOf(name);
    return at < 0 ? name : `svc${at}`;
  };
  const byParent = new Map();
  const ids = new Set(spans.map((s) => s.spanId));
  for (const span of spans) {
    const parent = span.parentSpanId && ids.has(span.parentSpanId) ? span.parentSpanId : 'root';
    if (!byParent.has(parent)) byParent.set(parent, []);
    byParent.get(parent).push(span);
  }
  const node = (span) => ({
    service: serviceOf(span),
    kind: span.kind,
    name: scrub(span.name),
    status: span.status?.code ?? 0,
    remoteParent: Boolean(span.parentSpanId) && !ids.has(span.parentSpanId),
    events: (span.events || []).map((e) => `${e.name}: ${e.attributes?.['exception.type'] ?? ''}`),
    attributes: Object.fromEntries(
      Object.keys(span.attributes)
        .sort()
        .map((key) => [key, RUN_SPECIFIC.has(key) ? typeof span.attributes[key] : scrub(span.attributes[key])]),
    ),
    children: sorted((byParent.get(span.spanId) || []).map(node)),
  });
  return sorted((byParent.get('root') || []).map(node));
}

function sorted(nodes) {
  return nodes.sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1));
}

module.exports = { spanTrees };
