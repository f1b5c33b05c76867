// Deciding a scan on the scanner alone, as the server would (docs/gate-scanner.md).
//
// Pure apart from WebCrypto: the caller gives the keys, the rules, the revocation list and
// the scanner's record of who is inside, and applies the change this returns.

const SIGNATURE = 64;
const HEADER = 5; // version + 4-byte kid
const MIN_RAW = HEADER + 8 + SIGNATURE;
const EPOCH_UTC = Date.UTC(2000, 0, 1);
const DAY_MS = 86400000;
const B64URL = /^[A-Za-z0-9_-]+$/;
// Tokens remembered as verified (a visitor leaving, coming back, scanned twice).
const VERIFIED_MAX = 20000;

export const GREEN = new Set(["admitted", "reentry_admitted", "exited"]);
export const AMBER = new Set(["already_inside", "not_inside", "reentry_refused"]);

export function cleanToken(text) {
  return text.replace(/\s+/g, "");
}

export function b64urlDecode(text) {
  if (!B64URL.test(text) || text.length % 4 === 1) return null;
  const padded = text.replace(/-/g, "+").replace(/_/g, "/") + "===".slice((text.length + 3) % 4);
  let binary;
  try {
    binary = atob(padded);
  } catch {
    return null;
  }
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

export function b64urlEncode(bytes) {
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function varint(bytes, pos, end) {
  // Unsigned LEB128, minimal, below 2**63; returns [BigInt, next] or null.
  let value = 0n;
  let shift = 0n;
  const start = pos;
  while (pos < end) {
    const byte = bytes[pos++];
    value |= BigInt(byte & 0x7f) << shift;
    if (byte < 0x80) {
      if (pos - start > 1 && byte === 0) return null; // not minimal
      if (value >= 1n << 63n) return null;
      return [value, pos];
    }
    shift += 7n;
    if (shift > 63n + 7n) return null;
  }
  return null;
}

// The token's parts, without checking the signature; null when it cannot be a token.
export function parseToken(text) {
  const raw = b64urlDecode(text);
  if (raw === null || raw.length < MIN_RAW) return null;
  if (b64urlEncode(raw) !== text) return null; // one spelling per token, as the server
  const end = raw.length - SIGNATURE;
  const token = {
    raw,
    version: raw[0],
    kid: b64urlEncode(raw.subarray(1, HEADER)),
    body: raw.subarray(0, end),
    signature: raw.subarray(end),
  };
  let pos = HEADER;
  let read = varint(raw, pos, end);
  if (read === null) return null;
  [token.passId, pos] = [Number(read[0]), read[1]];
  read = varint(raw, pos, end);
  if (read === null) return null;
  [token.editionId, pos] = [Number(read[0]), read[1]];
  if (pos + 4 > end) return null;
  token.kind = raw[pos];
  token.validFrom = (raw[pos + 1] << 8) | raw[pos + 2]; // days since 2000-01-01
  token.nDays = raw[pos + 3] + 1;
  pos += 4;
  read = varint(raw, pos, end);
  if (read === null) return null;
  [token.dayMask, pos] = read;
  read = varint(raw, pos, end);
  if (read === null) return null;
  [token.serial, pos] = [Number(read[0]), read[1]];
  if (pos !== end) return null;
  return token;
}

// JWKS → Map of kid → CryptoKey (WebCrypto Ed25519).
export async function importKeys(jwks) {
  const keys = new Map();
  for (const jwk of jwks.keys || []) {
    if (jwk.kty !== "OKP" || jwk.crv !== "Ed25519") continue;
    const key = await crypto.subtle.importKey(
      "jwk",
      { kty: "OKP", crv: "Ed25519", x: jwk.x },
      { name: "Ed25519" },
      false,
      ["verify"]
    );
    keys.set(jwk.kid, key);
  }
  return keys;
}

export function verifySignature(key, token) {
  return crypto.subtle.verify({ name: "Ed25519" }, key, token.signature, token.body);
}

// Days since 2000-01-01 of the local date at the venue.
const dayFormats = new Map();
export function venueDay(time, timezone) {
  let format = dayFormats.get(timezone);
  if (format === undefined) {
    format = new Intl.DateTimeFormat("en-CA", {
      timeZone: timezone,
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
    });
    dayFormats.set(timezone, format);
  }
  const parts = {};
  for (const part of format.formatToParts(time)) parts[part.type] = part.value;
  const utc = Date.UTC(Number(parts.year), Number(parts.month) - 1, Number(parts.day));
  return Math.round((utc - EPOCH_UTC) / DAY_MS);
}

export function validOn(token, day) {
  const offset = day - token.validFrom;
  if (offset < 0 || offset >= token.nDays) return false;
  return token.dayMask === 0n || ((token.dayMask >> BigInt(offset)) & 1n) === 1n;
}

// Decide a scan alone. ``state``: {keys: Map, editionId, timezone, reentryAllowed,
// revoked: Set of "passId:serial", presence: Map passId → {inside, entries}, and optionally
// verified: a Map in which tokens whose signature verified are remembered}.
// Returns {result, passId, kind, change} where ``change`` is the new presence (or null).
export async function decideOffline(state, text, direction, time) {
  const cleaned = cleanToken(text);
  const known = state.verified && state.verified.get(cleaned);
  if (known && state.keys.get(known.kid) === known.key) {
    // Verified before with a key still in the set: the same text, the same answer.
    return judge(state, known.token, direction, time);
  }
  const token = parseToken(cleaned);
  if (token === null || token.version !== 1) return { result: "forged", passId: null };
  const key = state.keys.get(token.kid);
  if (key === undefined) {
    // Not one of this edition's keys. A refusal may read the unverified claims to say why;
    // an admission never does.
    const result = token.editionId !== state.editionId ? "wrong_edition" : "forged";
    return { result, passId: null };
  }
  if (!(await verifySignature(key, token))) return { result: "forged", passId: null };
  if (state.verified) {
    if (state.verified.size >= VERIFIED_MAX) state.verified.clear();
    state.verified.set(cleaned, { kid: token.kid, key, token });
  }
  return judge(state, token, direction, time);
}

// The rules after the signature (exported for the tests and the bench).
export function judge(state, token, direction, time) {
  const seen = { passId: token.passId, kind: token.kind };
  if (token.editionId !== state.editionId) return { result: "wrong_edition", passId: null };
  if (state.revoked.has(`${token.passId}:${token.serial}`)) {
    return { result: "revoked", ...seen, change: null };
  }
  const presence = state.presence.get(token.passId) || { inside: false, entries: 0 };
  if (direction === "exit") {
    // Leaving is never refused for the day.
    if (!presence.inside) return { result: "not_inside", ...seen, change: null };
    return { result: "exited", ...seen, change: { inside: false, entries: presence.entries } };
  }
  if (!validOn(token, venueDay(time, state.timezone))) {
    return { result: "not_valid_today", ...seen, change: null };
  }
  if (presence.inside) return { result: "already_inside", ...seen, change: null };
  if (presence.entries > 0 && !state.reentryAllowed) {
    return { result: "reentry_refused", ...seen, change: null };
  }
  const entries = presence.entries + 1;
  return {
    result: entries === 1 ? "admitted" : "reentry_admitted",
    ...seen,
    change: { inside: true, entries },
  };
}

export function colourOf(result) {
  if (GREEN.has(result)) return "green";
  if (AMBER.has(result)) return "amber";
  return "red";
}
