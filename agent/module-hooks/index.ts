/**
 * How hoptrace reaches the modules it instruments. Instrumentations only describe what to patch
 * (ModuleDefinition); this folder decides how a module is caught, however the app reaches it:
 *
 * - `require('express')`, and an ES module's `import express from 'express'` of a CommonJS
 *   package: both pass `Module._load` (load-hook.ts);
 * - `import http from 'node:http'` and `process.getBuiltinModule`: built-ins (builtins.ts), patched
 *   as they load for ES module apps (up front on Node 20), and looked for shortly after start in
 *   CommonJS apps;
 * - whatever cannot be patched (loaded before hoptrace, an unsupported version, an ES module's
 *   sealed namespace) is said once per package (untraced.ts).
 *
 * Each module is patched once (patcher.ts). Only the watched modules pay more than a string test.
 */
import { reportAgentError } from '../log';
import { type AppStart, runsAsEsModules } from './app-format';
import { hookGetBuiltinModule, patchBuiltinsOfEsModuleApp, patchLateBuiltins } from './builtins';
import { hookModuleLoad } from './load-hook';
import { ModulePatcher } from './patcher';
import { handlePreloadedPackages } from './preloaded';

export { packageOf, packageOfPath } from './package-names';
export type { AppStart } from './app-format';
export { runsAsEsModules } from './app-format';

export interface ModuleDefinition {
  /** A package name, or a Node built-in without the `node:` prefix. */
  readonly name: string;
  /** Version ranges supported (`>=4.0.0 <6`, `*`); built-ins are always patched. */
  readonly versions: readonly string[];
  /** What the user does not get when this module cannot be patched ("Kafka producer and consumer spans"). */
  readonly lostWhenUntraced: string;
  /**
   * The patch only reads the exports (or changes nothing the app has already captured), so a copy
   * loaded before hoptrace started is patched then, not reported as untraced.
   */
  readonly patchesLoadedCopies?: boolean;
  /** Patches the module's exports object in place; must not throw. */
  patch(exports: unknown, version: string | undefined): void;
}

export interface HoptraceInstrumentation {
  readonly instrumentationName: string;
  /** The modules whose loading this instrumentation patches. */
  modules(): readonly ModuleDefinition[];
  /** For what needs no module (diagnostics channels); called once, when hoptrace starts. */
  enable?(): void;
}

export function installModuleHooks(instrumentations: readonly HoptraceInstrumentation[], app: AppStart): void {
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
  const patcher = new ModulePatcher(byName);
  try {
    handlePreloadedPackages(byName, patcher);
  } catch (error) {
    reportAgentError('looking for packages loaded before hoptrace', error);
  }
  hookModuleLoad(patcher);
  hookGetBuiltinModule(patcher);
  if (runsAsEsModules(app)) patchBuiltinsOfEsModuleApp(patcher, byName.keys());
  else patchLateBuiltins(patcher, byName.keys(), Date.now());
}
