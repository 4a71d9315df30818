/** What the doctor found, one line each: fine, a problem (non-zero exit), or worth knowing. */
export type Status = 'ok' | 'problem' | 'note';

export interface Finding {
  readonly status: Status;
  readonly text: string;
}

export const ok = (text: string): Finding => ({ status: 'ok', text });
export const problem = (text: string): Finding => ({ status: 'problem', text });
export const note = (text: string): Finding => ({ status: 'note', text });

const MARK: Record<Status, string> = { ok: '✓', problem: '✗', note: '·' };

export function printSection(title: string, findings: readonly Finding[], write: (line: string) => void): void {
  write(`\n${title}`);
  for (const finding of findings) write(`  ${MARK[finding.status]} ${finding.text}`);
}
