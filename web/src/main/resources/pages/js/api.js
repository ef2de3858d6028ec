// The pages' helpers: the signed-in user (dev token in dev mode, in localStorage), REST through the SDK's client
// with that user's token, the server's client config, and small DOM helpers.
import { createApi, clientConfig as sdkClientConfig, ApiError } from "/sdk/http.js";

const TOKEN_KEY = "relaycast.token";
const USER_KEY = "relaycast.user";

export const auth = {
  get token() { return localStorage.getItem(TOKEN_KEY); },
  get user() { try { return JSON.parse(localStorage.getItem(USER_KEY)); } catch { return null; } },
  set(token, user) { localStorage.setItem(TOKEN_KEY, token); localStorage.setItem(USER_KEY, JSON.stringify(user)); },
  clear() { localStorage.removeItem(TOKEN_KEY); localStorage.removeItem(USER_KEY); },
};

// the SDK's REST client, with the signed-in user's token (an expired dev token is forgotten: sign in again)
export { ApiError };
export const api = createApi({ server: location.origin, token: () => auth.token, onUnauthorized: () => auth.clear() });

export function clientConfig() {
  return sdkClientConfig(location.origin);
}

export async function signInDev(name) {
  const r = await api("/auth/dev-token", { method: "POST", body: { name }, token: null });
  auth.set(r.token, r.user);
  return r.user;
}

export function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === "class") e.className = v;
    else if (k.startsWith("on")) e.addEventListener(k.slice(2), v);
    else if (v !== undefined && v !== null && v !== false) e.setAttribute(k, v === true ? "" : v);
  }
  for (const c of children.flat()) if (c !== null && c !== undefined) e.append(c instanceof Node ? c : String(c));
  return e;
}

export function formatCount(n) {
  return n >= 1000 ? (n / 1000).toFixed(n >= 10000 ? 0 : 1) + "k" : String(n);
}

export function formatDuration(ms) {
  const s = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), sec = s % 60;
  return (h ? h + ":" + String(m).padStart(2, "0") : m) + ":" + String(sec).padStart(2, "0");
}
