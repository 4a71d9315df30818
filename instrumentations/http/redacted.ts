/** What a secret in a URL is recorded as (the semantic conventions' word). */
export const REDACTED = 'REDACTED';
