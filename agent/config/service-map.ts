/**
 * A service-map file: several services in one process, each with its own resource, sampler and
 * exporter, and what it owns (Kafka topics, client and group ids, HTTP server ports).
 *
 * HOPTRACE_CONFIG_FILE names it; INTERCEPTORS_CONFIG_FILE, the variable of the OpenTracing Kafka
 * interceptors, is read too, and its format is accepted unchanged: `service` for `name`, and a
 * jaeger-client `config` block (sampler, reporter) mapped to hoptrace's settings. Every problem is
 * one warning naming the file, the place in it and what is used instead; the app always runs.
 */
import { readFileSync } from 'node:fs';
import { cappedDuration } from './durations';
import type { Warn } from './env-reader';
import { jaegerSampler } from './jaeger-settings';
import { SETTINGS, type SettingSource, isHttpUrl, otlpTracesUrl, readSetting, settingOfFileKey } from './settings';
import type { BatchConfig, ExporterName, ExporterSettings, SamplerConfig, SamplerName, ServiceDefinition, ServiceOwnership } from './types';
import { urlForLog } from './url-for-log';

/** What a service gets for whatever its entry does not set: the process's own settings. */
export interface ServiceDefaults {
  readonly resourceAttributes: Readonly<Record<string, string>>;
  readonly sampler: SamplerConfig;
  readonly export: ExporterSettings;
  readonly batch: BatchConfig;
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

const SAMPLER_NAMES: readonly SamplerName[] = ['always_on', 'always_off', 'traceidratio', 'parentbased_always_on', 'parentbased_always_off', 'parentbased_traceidratio'];
const EXPORTER_TYPES: readonly ExporterName[] = ['otlp', 'jaeger', 'console', 'none'];
const ENTRY_KEYS = ['name', 'service', 'version', 'resourceAttributes', 'sampler', 'exporter', 'batch', 'logSpans', 'config', 'topics', 'clientIds', 'groupIds', 'ports'];

export function readServiceMap(variable: string, path: string, defaults: ServiceDefaults, warn: Warn): ServiceDefinition[] {
  const say = (place: string, problem: string, instead: string) => warn(`${variable} ${path}${place ? `: ${place}` : ''}: ${problem}; ${instead}`);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    say('', `cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`, 'one service for the whole process');
    return [];
  }
  let document: Json;
  try {
    document = JSON.parse(text) as Json;
  } catch (error) {
    say(placeOfSyntaxError(text, error as Error), `is not valid JSON (${(error as Error).message})`, 'one service for the whole process');
    return [];
  }
  if (!isObject(document) || !Array.isArray(document.services)) {
    say('', 'has no "services" list', 'one service for the whole process');
    return [];
  }
  for (const key of Object.keys(document)) if (key !== 'services') say(key, 'is not a known key', 'it is ignored');

  const owners = new Map<string, string>();
  const services: ServiceDefinition[] = [];
  document.services.forEach((entry, index) => {
    const place = `services[${index}]`;
    if (!isObject(entry)) return say(place, 'is not an object', 'it is skipped');
    const read = readEntry(entry, place, defaults, say);
    if (read) services.push(claimTopics(read.definition, read.topics, place, owners, say));
  });
  return services;
}

type Say = (place: string, problem: string, instead: string) => void;

function readEntry(entry: JsonObject, place: string, defaults: ServiceDefaults, say: Say): { definition: ServiceDefinition; topics: Array<[string, number]> } | undefined {
  for (const key of Object.keys(entry)) if (!ENTRY_KEYS.includes(key)) say(`${place}.${key}`, 'is not a known key', 'it is ignored');
  const name = typeof entry.name === 'string' ? entry.name : typeof entry.service === 'string' ? entry.service : undefined;
  if (!name || name.trim() === '') {
    say(place, 'has no service name ("name", or "service" as the interceptors wrote it)', 'it is skipped');
    return undefined;
  }
  let sampler = defaults.sampler;
  let exportSettings = defaults.export;
  let batch = defaults.batch;
  let logSpans = false;
  if (entry.config !== undefined) {
    ({ sampler, export: exportSettings, batch, logSpans } = readJaegerClientConfig(entry.config, `${place}.config`, { sampler, export: exportSettings, batch, logSpans }, say));
  }
  if (entry.sampler !== undefined) sampler = readSampler(entry.sampler, `${place}.sampler`, sampler, say);
  if (entry.exporter !== undefined) exportSettings = readExporter(entry.exporter, `${place}.exporter`, exportSettings, say);
  if (entry.batch !== undefined) batch = readBatch(entry.batch, `${place}.batch`, batch, say);
  if (entry.logSpans !== undefined) logSpans = readBoolean(entry.logSpans, `${place}.logSpans`, logSpans, say);
  const definition: ServiceDefinition = {
    service: {
      name,
      version: readVersion(entry.version, `${place}.version`, say),
      resourceAttributes: { ...defaults.resourceAttributes, ...readStringMap(entry.resourceAttributes, `${place}.resourceAttributes`, say) },
    },
    sampler,
    export: exportSettings,
    batch,
    logSpans,
    owns: {
      topics: [],
      topicPatterns: [],
      clientIds: readStrings(entry.clientIds, `${place}.clientIds`, say),
      groupIds: readStrings(entry.groupIds, `${place}.groupIds`, say),
      ports: readPorts(entry.ports, `${place}.ports`, say),
    },
  };
  // Topics are claimed in claimTopics, where one claimed twice can be told.
  return { definition, topics: readIndexedStrings(entry.topics, `${place}.topics`, say) };
}

/** Exact topic names and `/patterns/`; a name claimed by an earlier service stays with it. */
function claimTopics(definition: ServiceDefinition, rawTopics: ReadonlyArray<[string, number]>, place: string, owners: Map<string, string>, say: Say): ServiceDefinition {
  const topics: string[] = [];
  const topicPatterns: string[] = [];
  rawTopics.forEach(([topic, i]) => {
    const where = `${place}.topics[${i}]`;
    const isPattern = topic.length > 2 && topic.startsWith('/') && topic.endsWith('/');
    const claim = isPattern ? `pattern ${topic}` : topic;
    const owner = owners.get(claim);
    if (owner !== undefined) return say(where, `${JSON.stringify(topic)} is already owned by ${owner}`, 'it stays with that service');
    if (isPattern) {
      try {
        new RegExp(topic.slice(1, -1));
      } catch (error) {
        return say(where, `${topic} is not a valid regular expression (${(error as Error).message})`, 'it is skipped');
      }
      topicPatterns.push(topic.slice(1, -1));
    } else topics.push(topic);
    owners.set(claim, definition.service.name);
  });
  const owns: ServiceOwnership = { ...definition.owns, topics, topicPatterns };
  return { ...definition, owns };
}

/** jaeger-client's configuration, as the interceptors' file carries it per service. */
function readJaegerClientConfig(
  config: Json,
  place: string,
  current: { sampler: SamplerConfig; export: ExporterSettings; batch: BatchConfig; logSpans: boolean },
  say: Say,
): typeof current {
  if (!isObject(config)) {
    say(place, 'is not an object', "the process's settings are used");
    return current;
  }
  let { sampler, export: exportSettings, batch, logSpans } = current;
  for (const key of Object.keys(config)) {
    if (key !== 'sampler' && key !== 'reporter' && key !== 'serviceName' && key !== 'disable') say(`${place}.${key}`, 'cannot be mapped to hoptrace', 'it is ignored');
  }
  if (config.sampler !== undefined) sampler = readSampler(config.sampler, `${place}.sampler`, sampler, say);
  const reporter = config.reporter;
  if (reporter !== undefined && !isObject(reporter)) say(`${place}.reporter`, 'is not an object', 'it is ignored');
  if (isObject(reporter)) {
    for (const [key, value] of Object.entries(reporter)) {
      const where = `${place}.reporter.${key}`;
      if (key === 'logSpans') logSpans = readBoolean(value, where, logSpans, say);
      else if (key === 'flushIntervalMs') batch = { ...batch, scheduleDelayMs: readSetting(fileValue(value, where, say), SETTINGS.scheduleDelay, batch.scheduleDelayMs) };
      else if (key === 'maxQueueSize') {
        const maxQueueSize = readSetting(fileValue(value, where, say), SETTINGS.maxQueueSize, batch.maxQueueSize);
        batch = { ...batch, maxQueueSize, maxExportBatchSize: Math.min(batch.maxExportBatchSize, maxQueueSize) };
      } else if (key === 'sender') exportSettings = readJaegerSender(value, where, exportSettings, say);
      else say(where, 'cannot be mapped to hoptrace', 'it is ignored');
    }
  }
  return { sampler, export: exportSettings, batch, logSpans };
}

/** jaeger-client's sender: an agent (UDP) or a collector endpoint (HTTP). */
function readJaegerSender(sender: Json, place: string, current: ExporterSettings, say: Say): ExporterSettings {
  if (!isObject(sender)) {
    say(place, 'is not an object', 'the exporter stays as it was');
    return current;
  }
  const jaeger = { ...current.jaeger, endpoint: undefined as string | undefined, user: undefined as string | undefined, password: undefined as string | undefined };
  let inherit = false;
  for (const [key, value] of Object.entries(sender)) {
    const where = `${place}.${key}`;
    if (key === 'inheritCredentials') inherit = readBoolean(value, where, false, say);
    else if (key === 'agentHost' && typeof value === 'string') jaeger.agentHost = value;
    else if (key === 'agentPort') jaeger.agentPort = readSetting(fileValue(value, where, say), SETTINGS.jaegerAgentPort, jaeger.agentPort);
    else if (key === 'endpoint' && typeof value === 'string' && isHttpUrl(value)) jaeger.endpoint = value;
    else if (key === 'user' && typeof value === 'string') jaeger.user = value;
    else if (key === 'password' && typeof value === 'string') jaeger.password = value;
    else if (key === 'authToken') say(where, "cannot be mapped (hoptrace's Jaeger HTTP sender authenticates with user and password only)", 'it is ignored');
    else say(where, `${valueForLog(key, value)} is not a valid value for it`, 'it is ignored');
  }
  if (inherit || sameCollector(jaeger.endpoint, current.jaeger.endpoint)) {
    jaeger.user ??= current.jaeger.user;
    jaeger.password ??= current.jaeger.password;
  }
  return { ...current, exporter: 'jaeger', jaeger };
}

/** `{ "name": "traceidratio", "ratio": 0.1 }` (OTEL_TRACES_SAMPLER's names), or jaeger-client's `{ "type", "param" }`. */
function readSampler(sampler: Json, place: string, fallback: SamplerConfig, say: Say): SamplerConfig {
  if (!isObject(sampler)) {
    say(place, 'is not an object', `using ${fallback.name}`);
    return fallback;
  }
  if (sampler.type !== undefined) {
    // jaeger-client's remote sampler names its sampling manager as hostPort, or as host and port.
    const hostPort = sampler.hostPort ?? (sampler.host !== undefined || sampler.port !== undefined ? `${String(sampler.host ?? 'localhost')}:${String(sampler.port ?? 5778)}` : undefined);
    return jaegerSampler(sampler.type, sampler.param, fallback, (reason, instead) => say(place, reason, instead), { hostPort, refreshIntervalMs: sampler.refreshIntervalMs });
  }
  const name = sampler.name;
  if (typeof name !== 'string' || !(SAMPLER_NAMES as readonly string[]).includes(name)) {
    say(`${place}.name`, `${JSON.stringify(name)} is not one of ${SAMPLER_NAMES.join(', ')}`, `using ${fallback.name}`);
    return fallback;
  }
  const ratio = readSetting(fileValue(sampler.ratio, `${place}.ratio`, say), SETTINGS.samplerRatio);
  return { name: name as SamplerName, ratio };
}

/** `{ "type": "otlp", "endpoint", "headers", "protocol" }`, `{ "type": "jaeger", agentHost, agentPort, endpoint, user, password }`, console, none. */
function readExporter(exporter: Json, place: string, current: ExporterSettings, say: Say): ExporterSettings {
  if (!isObject(exporter) || typeof exporter.type !== 'string' || !(EXPORTER_TYPES as readonly string[]).includes(exporter.type)) {
    say(place, `needs a "type", one of ${EXPORTER_TYPES.join(', ')}`, "the process's exporter is used");
    return current;
  }
  const type = exporter.type as ExporterName;
  const { type: _type, ...settings } = exporter;
  if (type === 'jaeger') return readJaegerSender(settings, place, current, say);
  if (type !== 'otlp') {
    for (const key of Object.keys(settings)) say(`${place}.${key}`, `is not a setting of the ${type} exporter`, 'it is ignored');
    return { ...current, exporter: type };
  }
  const otlp = { ...current.otlp };
  const ownHeaders: Record<string, string> = {};
  let inherit = false;
  for (const [key, value] of Object.entries(settings)) {
    const where = `${place}.${key}`;
    if (key === 'inheritCredentials') inherit = readBoolean(value, where, false, say);
    else if (key === 'endpoint' && typeof value === 'string' && isHttpUrl(value)) otlp.endpoint = otlpTracesUrl(value, { acceptFull: true });
    else if (key === 'protocol') otlp.protocol = readSetting(fileValue(value, where, say), SETTINGS.otlpProtocol, otlp.protocol);
    else if (key === 'headers') Object.assign(ownHeaders, readStringMap(value, where, say, { secret: true }));
    else if (key === 'timeoutMs') otlp.timeoutMs = readSetting(fileValue(value, where, say), SETTINGS.otlpTimeout, otlp.timeoutMs);
    else say(where, `${valueForLog(key, value)} is not a valid value for it`, 'it is ignored');
  }
  otlp.headers = inherit || sameCollector(otlp.endpoint, current.otlp.endpoint) ? { ...current.otlp.headers, ...ownHeaders } : ownHeaders;
  return { ...current, exporter: 'otlp', otlp };
}

function readBatch(batch: Json, place: string, current: BatchConfig, say: Say): BatchConfig {
  if (!isObject(batch)) {
    say(place, 'is not an object', "the process's batch settings are used");
    return current;
  }
  const next = { ...current };
  for (const [key, value] of Object.entries(batch)) {
    const setting = settingOfFileKey(`batch.${key}`);
    const field = key as keyof BatchConfig;
    if (setting && field in next) (next[field] as number) = readSetting(fileValue(value, `${place}.${key}`, say), setting, current[field]) as number;
    else say(`${place}.${key}`, 'is not a known key', 'it is ignored');
  }
  next.maxExportBatchSize = Math.min(next.maxExportBatchSize, next.maxQueueSize);
  return next;
}

/**
 * One value of the file as a source for settings.ts's reader: a JSON value of the declared type
 * within its bounds, or one warning naming its place and what is used instead. Absent: the fallback.
 */
function fileValue(value: Json | undefined, place: string, say: Say): SettingSource {
  const refuse = <T>(problem: string, fallback: T): T => {
    say(place, `${JSON.stringify(value)} ${problem}`, fallback === Infinity ? 'using no limit' : `using ${JSON.stringify(fallback)}`);
    return fallback;
  };
  const upTo = (max: number | undefined) => (max === undefined || max === Number.MAX_SAFE_INTEGER ? '' : ` to ${max}`);
  const integer = (fallback: number, min: number, max?: number): number => {
    if (value === undefined) return fallback;
    return typeof value === 'number' && Number.isSafeInteger(value) && value >= min && value <= (max ?? Number.MAX_SAFE_INTEGER) ? value : refuse(`is not a whole number from ${min}${upTo(max)}`, fallback);
  };
  const boolean = (fallback: boolean): boolean => (value === undefined ? fallback : typeof value === 'boolean' ? value : refuse('is not true or false', fallback));
  return {
    nameOf: () => place,
    boolean: (_name, fallback) => boolean(fallback),
    onOff: (_name, fallback) => boolean(fallback),
    integer: (_name, fallback, min, max) => integer(fallback, min, max),
    duration: (_name, fallback, min) => cappedDuration(integer(fallback, min), (problem, instead) => say(place, `${JSON.stringify(value)} ${problem}`, instead)),
    number: (_name, fallback, min, max) => {
      if (value === undefined) return fallback;
      return typeof value === 'number' && value >= min && value <= max ? value : refuse(`is not a number from ${min} to ${max}`, fallback);
    },
    oneOf: (_name, allowed, fallback) => {
      if (value === undefined) return fallback;
      return typeof value === 'string' && (allowed as readonly string[]).includes(value) ? (value as typeof fallback) : refuse(`is not one of ${allowed.join(', ')}`, fallback);
    },
    list: () => (Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : undefined),
  };
}

function readVersion(value: Json | undefined, place: string, say: Say): string | undefined {
  if (value === undefined || typeof value === 'string') return value;
  say(place, `${JSON.stringify(value)} is not a string`, 'it is ignored');
  return undefined;
}

function readBoolean(value: Json, place: string, fallback: boolean, say: Say): boolean {
  if (typeof value === 'boolean') return value;
  say(place, `${JSON.stringify(value)} is not true or false`, `using ${fallback}`);
  return fallback;
}

function readStrings(value: Json | undefined, place: string, say: Say): string[] {
  return readIndexedStrings(value, place, say).map(([text]) => text);
}

/** The names of a list with their places in it, so that later warnings name the right item. */
function readIndexedStrings(value: Json | undefined, place: string, say: Say): Array<[string, number]> {
  if (value === undefined) return [];
  if (!Array.isArray(value)) {
    say(place, 'is not a list', 'it is ignored');
    return [];
  }
  const strings: Array<[string, number]> = [];
  value.forEach((item, i) => {
    if (typeof item === 'string' && item !== '') strings.push([item, i]);
    else say(`${place}[${i}]`, `${JSON.stringify(item)} is not a name`, 'it is skipped');
  });
  return strings;
}

function readPorts(value: Json | undefined, place: string, say: Say): number[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) {
    say(place, 'is not a list', 'it is ignored');
    return [];
  }
  return value.flatMap((item, i) => {
    if (typeof item === 'number' && Number.isInteger(item) && item > 0 && item < 65536) return [item];
    say(`${place}[${i}]`, `${JSON.stringify(item)} is not a port`, 'it is skipped');
    return [];
  });
}

function readStringMap(value: Json | undefined, place: string, say: Say, { secret = false } = {}): Record<string, string> {
  if (value === undefined) return {};
  if (!isObject(value)) {
    say(place, 'is not an object of strings', 'it is ignored');
    return {};
  }
  const map: Record<string, string> = {};
  for (const [key, item] of Object.entries(value)) {
    if (typeof item === 'string' || typeof item === 'number' || typeof item === 'boolean') map[key] = String(item);
    else say(`${place}.${key}`, `${secret ? `a value of type ${item === null ? 'null' : typeof item} (not shown)` : JSON.stringify(item)} is not a string`, 'it is skipped');
  }
  return map;
}

/**
 * The process's credentials (OTLP headers, Jaeger user and password) go only where the process
 * sends: a service entry that names a collector of another origin gets none of them unless it says
 * `"inheritCredentials": true`. The file is often a ConfigMap, editable by more people than the
 * secret those credentials come from.
 */
function sameCollector(endpoint: string | undefined, processEndpoint: string | undefined): boolean {
  if (endpoint === undefined || endpoint === processEndpoint) return true;
  try {
    return processEndpoint !== undefined && new URL(endpoint).origin === new URL(processEndpoint).origin;
  } catch {
    return false;
  }
}

/** A setting's value as a warning may show it: never a credential, an endpoint without its user, password or query. */
function valueForLog(key: string, value: Json): string {
  if (key === 'user' || key === 'password' || key === 'headers') return `a value of type ${value === null ? 'null' : typeof value} (not shown)`;
  if (key === 'endpoint' && typeof value === 'string') return JSON.stringify(urlForLog(value));
  return JSON.stringify(value);
}

function isObject(value: Json | undefined): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `line L column C` of a JSON syntax error, from the position V8 gives (or its own line/column). */
function placeOfSyntaxError(text: string, error: Error): string {
  const lineColumn = /line (\d+) column (\d+)/.exec(error.message);
  if (lineColumn) return `line ${lineColumn[1]} column ${lineColumn[2]}`;
  const position = /position (\d+)/.exec(error.message);
  if (!position) return '';
  const before = text.slice(0, Number(position[1]));
  const line = before.split('\n').length;
  return `line ${line} column ${before.length - before.lastIndexOf('\n')}`;
}
