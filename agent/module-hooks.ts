/**
 * One require hook for every instrumentation: when the app first requires a module hoptrace
 * instruments, the module's patch runs (if the installed version is supported) before the app
 * sees its exports.
 *
 * The hook watches only the named modules. A hook that watches every module (as OpenTelemetry's
 * shared require hook does, to find files inside packages) resolves each `require()` of the app
 * twice more; in an app loading kafkajs that was ~170 ms of its start-up. hoptrace patches
 * packages through their main export, so it never needs to see their inner files.
 */
import { readFileSync } from 'node:fs';
import Module = require('node:module');
import { join } from 'node:path';
import { Hook, type OnRequireFn } from 'require-in-the-middle';
import { log, reportAgentError } from './log';
import { satisfies } from './version-range';

export interface ModuleDefinition {
  /** A package name, or a Node built-in without the `node:` prefix. */
  readonly name: string;
  /** Version ranges supported (`>=4.0.0 <6`, `*`); built-ins are always patched. */
  readonly versions: readonly string[];
  /** Patches the module's exports in place or returns replacements; must not throw. */
  patch(exports: unknown, version: string | undefined): unknown;
}

export interface HoptraceInstrumentation {
  readonly instrumentationName: string;
  /** The modules whose loading this instrumentation patches. */
  modules(): readonly ModuleDefinition[];
  /** For what needs no module (diagnostics channels); called once, when hoptrace starts. */
  enable?(): void;
}

export function installModuleHooks(instrumentations: readonly HoptraceInstrumentation[]): void {
  const byName = new Map<string, ModuleDefinition[]>();
  for (const instrumentation of instrumentations) {
    instrumentation.enable?.();
    for (const definition of instrumentation.modules()) {
      const list = byName.get(definition.name) ?? [];
      list.push(definition);
      byName.set(definition.name, list);
    }
  }
  if (byName.size === 0) return;
  const unhooked = Module.prototype.require;
  new Hook([...byName.keys()], { internals: false }, ((exports: unknown, name: string, basedir?: string) => {
    let patched = exports;
    const version = basedir === undefined ? undefined : packageVersion(basedir);
    for (const definition of byName.get(name) ?? []) {
      if (basedir !== undefined && !(version !== undefined && definition.versions.some((range) => satisfies(version, range)))) {
        log.debug(`${name}@${version ?? 'unknown'} is outside the supported range (${definition.versions.join(' || ')}); not traced`);
        continue;
      }
      try {
        patched = definition.patch(patched, version);
      } catch (error) {
        reportAgentError(`patching ${name}`, error);
      }
    }
    return patched;
  }) as OnRequireFn);
  skipUnwatchedRequires(unhooked, new Set(byName.keys()));
}

/**
 * The require hook resolves the id of every `require()` it sees, to learn which package it names,
 * even when the module is long loaded: Node's own cache of resolutions is bypassed. kafkajs
 * requires its protocol modules on every request it sends, so that cost came per message. Apps
 * and libraries reach the packages hoptrace patches by name, so only an id that names a watched
 * package (or a file in it) goes through the hook; every other id goes straight to the require the
 * hook replaced. (A relative or absolute path to a watched package's main file is not patched.)
 */
function skipUnwatchedRequires(unhooked: RequireFunction, watched: ReadonlySet<string>): void {
  const hooked = Module.prototype.require;
  if (hooked === unhooked) return;
  Module.prototype.require = function require(this: Module, id: string) {
    // eslint-disable-next-line prefer-rest-params
    return (typeof id === 'string' && watched.has(packageOf(id)) ? hooked : unhooked).apply(this, arguments as unknown as [string]);
  };
}

type RequireFunction = (this: Module, id: string) => unknown;

/** `express` of `express/lib/router`, `@scope/name` of `@scope/name/x`, `http` of `node:http`. */
export function packageOf(id: string): string {
  const bare = id.startsWith('node:') ? id.slice(5) : id;
  const slash = bare.indexOf('/');
  if (slash < 0) return bare;
  if (bare[0] !== '@') return bare.slice(0, slash);
  const second = bare.indexOf('/', slash + 1);
  return second < 0 ? bare : bare.slice(0, second);
}

function packageVersion(basedir: string): string | undefined {
  try {
    const version = (JSON.parse(readFileSync(join(basedir, 'package.json'), 'utf8')) as { version?: unknown }).version;
    return typeof version === 'string' ? version : undefined;
  } catch {
    return undefined;
  }
}
