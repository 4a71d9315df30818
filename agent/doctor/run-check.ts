/**
 * `hoptrace doctor -- <command>`: runs the app's own start command for a few seconds, with hoptrace
 * saying what it patched (debug log) and where context is missing (HOPTRACE_DEBUG_PROPAGATION), and
 * sorts what it said: hoptrace started or not, packages patched, every warning (a package loaded
 * before hoptrace, an unsupported version…), the propagation lines.
 */
import { spawn } from 'node:child_process';
import { type Finding, note, ok, problem } from './findings';

export function runApp(command: readonly string[], seconds: number, env: NodeJS.ProcessEnv): Promise<Finding[]> {
  return new Promise((resolve) => {
    const child = spawn(command[0], command.slice(1), {
      env: { ...env, HOPTRACE_LOG_LEVEL: 'debug', HOPTRACE_DEBUG_PROPAGATION: '1' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => child.kill('SIGTERM'), seconds * 1000);
    child.on('error', (error) => {
      clearTimeout(timer);
      resolve([problem(`could not run ${command.join(' ')}: ${error.message}`)]);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve(sort(stderr, code, signal, seconds));
    });
  });
}

function sort(stderr: string, code: number | null, signal: NodeJS.Signals | null, seconds: number): Finding[] {
  const lines = stderr.split('\n').filter((line) => line.startsWith('hoptrace: '));
  const findings: Finding[] = [];
  const started = lines.find((line) => line.startsWith('hoptrace: started; instrumentations:'));
  if (started) findings.push(ok(started.slice('hoptrace: '.length)));
  else findings.push(problem('hoptrace did not start in this command: add --require hoptrace/register (or --import, or NODE_OPTIONS="--require hoptrace/register")'));
  for (const line of lines) {
    const text = line.slice('hoptrace: '.length);
    if (text.startsWith('patched ')) findings.push(ok(text));
    else if (text.startsWith('warn: ') || text.startsWith('error: ')) findings.push(problem(text.slice(text.indexOf(' ') + 1)));
    else if (text.startsWith('propagation: ')) findings.push(note(text));
  }
  if (signal === null && code !== 0) findings.push(problem(`the app exited with code ${code} within ${seconds} s`));
  else if (signal === null) findings.push(note(`the app ended by itself within ${seconds} s`));
  return findings;
}
