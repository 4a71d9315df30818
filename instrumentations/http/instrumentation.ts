/**
 * Patches node:http and node:https: `request` and `get` for outgoing calls, `Server.prototype.emit`
 * for incoming requests (every server, however it was created, emits 'request' through it).
 */
import type * as http from 'node:http';
import shimmer = require('shimmer');
import { log, reportAgentError } from '../../agent/log';
import type { HoptraceInstrumentation, ModuleDefinition } from '../../agent/module-hooks';
import { isWrapped } from '../../agent/patching';
import type { TracerResolver } from '../../agent/tracing/tracers';
import { patchGet, patchRequest, subscribeToClientChannels } from './client';
import { httpChannelsAvailable, traceThroughChannels } from './channels';
import { HTTP_SCOPE, patchServerEmit, serverRequestStarter } from './server';
import type { HttpInstrumentationOptions } from './types';
import { UrlRedactor } from './url-redaction';

/** Node's own modules: every version Node ships. */
export const HTTP_SUPPORTED_VERSIONS = ['*'];

type HttpModule = typeof http;

shimmer({ logger: (message: string) => log.debug(`shimmer: ${message}`) });

export class HttpInstrumentation implements HoptraceInstrumentation {
  readonly instrumentationName = HTTP_SCOPE;

  private readonly redactor: UrlRedactor;

  constructor(
    private readonly tracers: TracerResolver,
    private readonly options: HttpInstrumentationOptions,
  ) {
    this.redactor = new UrlRedactor(options.redactQueryParams, options.redactPaths);
  }

  /** Node's channels where they carry everything needed (channels.ts), else patching. */
  private get viaChannels(): boolean {
    return this.options.via === 'channels' && httpChannelsAvailable();
  }

  /** On the channel way, nothing to patch: subscribed once, at start, without loading http. */
  enable(): void {
    if (!this.viaChannels) return;
    traceThroughChannels(this.tracers, this.options, this.redactor);
    log.debug(`http: traced through Node's diagnostics channels (node ${process.versions.node})`);
  }

  modules(): ModuleDefinition[] {
    if (this.viaChannels) return [];
    return (['http', 'https'] as const).map((scheme) => ({
      name: scheme,
      versions: HTTP_SUPPORTED_VERSIONS,
      lostWhenUntraced: `${scheme} server and client spans and trace context over ${scheme}`,
      patch: (moduleExports) => this.patch(moduleExports as HttpModule, scheme),
    }));
  }

  private patch(moduleExports: HttpModule, scheme: 'http' | 'https'): void {
    try {
      subscribeToClientChannels();
      if (!isWrapped(moduleExports.request)) shimmer.wrap(moduleExports, 'request', patchRequest(this.tracers, scheme, this.redactor));
      if (!isWrapped(moduleExports.get)) shimmer.wrap(moduleExports, 'get', patchGet(moduleExports));
      const serverPrototype = moduleExports.Server?.prototype;
      if (serverPrototype && !isWrapped(serverPrototype.emit)) {
        const emitHolder = serverPrototype as unknown as { emit: Parameters<ReturnType<typeof patchServerEmit>>[0] };
        shimmer.wrap(emitHolder, 'emit', patchServerEmit(serverRequestStarter(this.tracers, this.options, this.redactor)));
      }
      log.debug(`patched ${scheme} (node ${process.versions.node})`);
    } catch (error) {
      reportAgentError(`patching ${scheme}`, error);
    }
  }
}
