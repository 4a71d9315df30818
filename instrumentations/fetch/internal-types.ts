/**
 * The request object undici hands to its diagnostics-channel subscribers.
 * https://github.com/nodejs/undici/blob/v6.x/docs/docs/api/DiagnosticsChannel.md
 * (undici 6 keeps headers as a flat [name, value, …] array; 5.x as one string.)
 */
export interface UndiciRequest {
  origin: string | URL;
  method: string;
  path: string;
  headers: string[] | string;
  addHeader(name: string, value: string): UndiciRequest;
}

export interface UndiciResponse {
  statusCode: number;
}
