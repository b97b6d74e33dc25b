// The console's one way to the server: the same REST calls another service makes, with the
// session cookie (sent by the browser) and, on every write, the session's X-CSRF-Token.
let csrf = "";

export function setCsrf(token) { csrf = token || ""; }

export class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

export function api(method, path, body) {
  return send(method, path, body === undefined ? undefined : JSON.stringify(body), "application/json");
}

// A body sent as it is (a PDF upload) with its Content-Type.
export function apiRaw(method, path, bytes, type) { return send(method, path, bytes, type); }

async function send(method, path, body, type) {
  const headers = {};
  if (body !== undefined) headers["Content-Type"] = type;
  if (method !== "GET") headers["X-CSRF-Token"] = csrf;
  const r = await fetch(path, {method, headers, credentials: "same-origin", body});
  const text = await r.text();
  let json = null;
  try { json = text ? JSON.parse(text) : null; } catch { json = null; }
  if (!r.ok) {
    const e = (json && json.error) || {};
    throw new ApiError(r.status, e.code || String(r.status), e.message || text || r.statusText);
  }
  return json;
}

// "/v1/bills/" + each segment of a bill id, encoded.
export function billPath(id) { return "/v1/bills/" + id.split("/").map(encodeURIComponent).join("/"); }

export function query(params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== "") q.set(k, v);
  const s = q.toString();
  return s ? "?" + s : "";
}
