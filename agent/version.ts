import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * hoptrace's version, from its package.json: one folder up from the bundle (dist/hoptrace.js),
 * two from the compiled modules (dist/agent/version.js).
 */
function readAgentVersion(): string {
  for (const file of [join(__dirname, '..', 'package.json'), join(__dirname, '..', '..', 'package.json')]) {
    try {
      const pkg = JSON.parse(readFileSync(file, 'utf8')) as { name?: unknown; version?: unknown };
      if (pkg.name === 'hoptrace' && typeof pkg.version === 'string') return pkg.version;
    } catch {
      // not this one
    }
  }
  return '0.0.0';
}

export const AGENT_VERSION: string = readAgentVersion();
