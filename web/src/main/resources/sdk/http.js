// REST for the SDK and the pages: one small client per server and token, the server's client config, and
// Relaycast's error shape ({"error": {"code", "message"}}).

/** The server this module was loaded from: an integrator's page importing /sdk/relaycast.js talks to it by default. */
export const DEFAULT_SERVER = new URL(import.meta.url).origin;

/** A refused REST call: `status` is the HTTP status, `code` Relaycast's stable error code. */
export class ApiError extends Error {
  /** @param {number} status @param {string} code @param {string} message */
  constructor(status, code, message) { super(message); this.status = status; this.code = code; }
}

/**
 * @typedef {object} ApiOptions
 * @property {string} [method] GET by default
 * @property {any} [body] sent as JSON
 * @property {string|null} [token] overrides the client's token (null: anonymous)
 */

/**
 * A REST client: `api("/streams/abc")` calls `{server}/api/v1/streams/abc`.
 * @param {{server?: string, token?: (string|null|(() => string|null)), onUnauthorized?: () => void}} [options]
 *   token: a JWT, or a function giving the current one (the pages read it from localStorage)
 * @returns {(path: string, options?: ApiOptions) => Promise<any>}
 */
export function createApi({ server = DEFAULT_SERVER, token = null, onUnauthorized } = {}) {
  const base = server.replace(/\/$/, "") + "/api/v1";
  const current = () => (typeof token === "function" ? token() : token);
  return async function api(path, { method = "GET", body, token: override } = {}) {
    const bearer = override === undefined ? current() : override;
    const headers = {};
    if (body !== undefined) headers["Content-Type"] = "application/json";
    if (bearer) headers.Authorization = "Bearer " + bearer;
    const r = await fetch(base + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await r.text();
    let json = null;
    try { json = text ? JSON.parse(text) : null; } catch { json = null; }
    if (!r.ok) {
      if (r.status === 401 && bearer) onUnauthorized?.();
      throw new ApiError(r.status, json?.error?.code ?? "HTTP_" + r.status, json?.error?.message ?? r.statusText);
    }
    return json;
  };
}

/**
 * @typedef {object} ClientConfig
 * @property {{url: string, path: string, port: number}} signaling where Socket.IO listens
 * @property {boolean} devMode
 * @property {boolean} allowAnonymousViewers
 */

const configs = new Map();
/**
 * The server's `/api/v1/config/client`, fetched once per server.
 * @param {string} [server]
 * @returns {Promise<ClientConfig>}
 */
export function clientConfig(server = DEFAULT_SERVER) {
  if (!configs.has(server)) configs.set(server, createApi({ server })("/config/client", { token: null }));
  return configs.get(server);
}

/**
 * A URL the server handed out (HLS, VOD), made to point at `server`: the API's absolute URLs carry the configured
 * public host, which may not be the one this page reached; the query keeps a playback token.
 * @param {string} url @param {string} [server]
 */
export function onServer(url, server = DEFAULT_SERVER) {
  const parsed = new URL(url, server);
  return new URL(parsed.pathname + parsed.search, server).toString();
}
