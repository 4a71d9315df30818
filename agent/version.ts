// Read once from our own package.json, which sits two folders above dist/agent/.
// eslint-disable-next-line @typescript-eslint/no-require-imports
export const AGENT_VERSION: string = (require('../../package.json') as { version: string }).version;
