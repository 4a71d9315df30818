'use strict';
// An app's output as it is compared between a run with hoptrace and one without: Node's process
// warnings carry a pid and often a number that changes on every run (kafkajs on Node 24+ prints
// `(node:4242) TimeoutNegativeWarning: -1764290000000 is a negative number.`), so in those lines
// alone the pid and the numbers are masked. Every other character, and every warning's presence,
// kind and order, still has to match.
const NODE_WARNING = /^\(node:\d+\) (\[[\w-]+\] )?(\w*Warning): (.*)$/gm;

function comparableOutput(text) {
  return text.replace(NODE_WARNING, (_, code = '', kind, message) => `(node:<pid>) ${code}${kind}: ${message.replace(/-?\d+(\.\d+)?/g, '<n>')}`);
}

module.exports = { comparableOutput };
