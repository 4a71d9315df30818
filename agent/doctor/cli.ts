#!/usr/bin/env node
/**
 * `npx hoptrace doctor [--seconds N] [-- <the app's start command>]`, in the app's folder: what
 * hoptrace will do there and what cannot work. Exit code 1 when something the user asked for
 * cannot work (a setting refused, an exporter that does not answer, a package that will not be
 * traced, hoptrace not starting in the command, a warning while it ran); else 0.
 */
import { type Finding, printSection } from './findings';
import { runApp } from './run-check';
import { appFormat, checkExporter, checkPackages, checkRemoteSampling, readConfiguration } from './setup-checks';

const USAGE = 'usage: hoptrace doctor [--seconds N] [-- <command that starts the app, e.g. node --require hoptrace/register app.js>]';

async function doctor(args: readonly string[]): Promise<number> {
  const dash = args.indexOf('--');
  const options = dash >= 0 ? args.slice(0, dash) : args;
  const command = dash >= 0 ? args.slice(dash + 1) : [];
  let seconds = 5;
  for (let i = 0; i < options.length; i++) {
    if (options[i] === '--seconds' && /^\d+$/.test(options[i + 1] ?? '') && Number(options[i + 1]) > 0) seconds = Number(options[++i]);
    else {
      process.stderr.write(`hoptrace doctor: unknown option ${options[i]}\n${USAGE}\n`);
      return 2;
    }
  }
  const appDir = process.cwd();
  const write = (line: string) => process.stdout.write(`${line}\n`);
  write(`hoptrace doctor: ${appDir}`);
  const { config, findings: configuration } = readConfiguration(process.env, appDir);
  const sections: Array<[string, Finding[]]> = [
    ['app', [appFormat(appDir)]],
    ['configuration (as the agent reads it from this environment)', [...configuration, ...(await checkRemoteSampling(config)), ...(await checkExporter(config))]],
    ['packages hoptrace instruments', checkPackages(config, appDir)],
  ];
  if (command.length > 0) sections.push([`running \`${command.join(' ')}\` for up to ${seconds} s`, await runApp(command, seconds, process.env)]);
  for (const [title, findings] of sections) printSection(title, findings, write);
  const problems = sections.flatMap(([, findings]) => findings).filter((f) => f.status === 'problem').length;
  write(problems === 0 ? '\nNo problem found.' : `\n${problems} problem${problems === 1 ? '' : 's'} found (✗).`);
  return problems === 0 ? 0 : 1;
}

const [subcommand, ...rest] = process.argv.slice(2);
if (subcommand !== 'doctor') {
  process.stderr.write(`${USAGE}\n`);
  process.exitCode = 2;
} else {
  doctor(rest).then(
    (code) => (process.exitCode = code),
    (error: unknown) => {
      process.stderr.write(`hoptrace doctor failed: ${error instanceof Error ? error.stack : String(error)}\n`);
      process.exitCode = 2;
    },
  );
}
