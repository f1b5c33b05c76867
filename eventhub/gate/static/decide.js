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
  // Unsigned LEB128, minimal, below 2**63: [value, next] or null. Numbers while exact (up to
  // 7 bytes, 49 bits), BigInt beyond (only long day masks need it).
  let value = 0;
  let scale = 1;
  const start = pos;
  while (pos < end && pos - start < 7) {
    const byte = bytes[pos++];
    value += (byte & 0x7f) * scale;
    if (byte < 0x80) {
      if (pos - start > 1 && byte === 0) return null; // not minimal
      return [value, pos];
    }
    scale *= 128;
  }
  return bigVarint(bytes, start, end);
}

function bigVarint(bytes, pos, end) {
  let value = 0n;
  let shift = 0n;
  const start = pos;
  while (pos < end) {
    const byte = bytes[pos++];
    value |= BigInt(byte & 0x7f) << shift;
    if (byte < 0x80) {
      if (pos - start > 1 && byte === 0) return null;
      if (value >= 1n << 63n) return null;
      return [value, pos];
    }
    shift += 7n;
    if (shift > 63n) return null;
  }
  return null;
}

const B64_VALUE = new Map([..."ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"].map((c, i) => [c, i]));

// Whether ``text`` is the one base64url spelling of ``length`` bytes: no padding, and the bits
// of the last character that carry no byte are zero.
function canonical(text, length) {
  if (text.length !== Math.ceil((length * 4) / 3)) return false;
  const spare = { 0: 0, 1: 4, 2: 2 }[length % 3];
  return (B64_VALUE.get(text[text.length - 1]) & ((1 << spare) - 1)) === 0;
}

export function kidNumber(bytes, offset = 0) {
  return (
    ((bytes[offset] << 24) | (bytes[offset + 1] << 16) | (bytes[offset + 2] << 8) | bytes[offset + 3]) >>> 0
  );
}

// The token's parts, without checking the signature; null when it cannot be a token.
export function parseToken(text) {
  const raw = b64urlDecode(text);
  if (raw === null || raw.length < MIN_RAW) return null;
  if (!canonical(text, raw.length)) return null; // one spelling per token, as the server
  const end = raw.length - SIGNATURE;
  const token = {
    raw,
    version: raw[0],
    kid: kidNumber(raw, 1),
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

// A JWK's kid as its 4 bytes: 8 hex digits, as passes spell their key_id. A key set stored by
// a scanner before key ids were hex spells them in base64url (6 characters): still read, so
// that a scanner updated while offline keeps its keys.
const HEX_KID = /^[0-9a-f]{8}$/;
export function kidBytes(kid) {
  if (typeof kid !== "string") return null;
  if (HEX_KID.test(kid)) return Uint8Array.from(kid.match(/../g), (pair) => parseInt(pair, 16));
  const bytes = kid.length === 6 ? b64urlDecode(kid) : null;
  return bytes !== null && bytes.length === 4 ? bytes : null;
}

// JWKS → Map of kid (its 4 bytes as a number) → CryptoKey (WebCrypto Ed25519).
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
    const kid = kidBytes(jwk.kid);
    if (kid !== null) keys.set(kidNumber(kid), key);
  }
  return keys;
}

export function verifySignature(key, token) {
  return crypto.subtle.verify({ name: "Ed25519" }, key, token.signature, token.body);
}

// Days since 2000-01-01 of the local date at the venue; the last answer is kept for the rest
// of its day (at most an hour, in case the zone changes its offset).
let lastDay = { timezone: null, from: 0, until: 0, day: 0 };
export function venueDay(time, timezone) {
  const ms = time.getTime();
  if (timezone === lastDay.timezone && ms >= lastDay.from && ms < lastDay.until) return lastDay.day;
  const [day, midnight] = computeDay(ms, timezone);
  lastDay = { timezone, from: Math.max(midnight, ms - HOUR_MS), until: Math.min(midnight + DAY_MS, ms + HOUR_MS), day };
  return day;
}

const HOUR_MS = 3600000;
const dayFormats = new Map();
function computeDay(ms, timezone) {
  let format = dayFormats.get(timezone);
  if (format === undefined) {
    format = new Intl.DateTimeFormat("en-CA", {
      timeZone: timezone,
      hourCycle: "h23",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
    });
    dayFormats.set(timezone, format);
  }
  const parts = {};
  for (const part of format.formatToParts(new Date(ms))) parts[part.type] = Number(part.value);
  const localMidnight = Date.UTC(parts.year, parts.month - 1, parts.day);
  const localNow = localMidnight + ((parts.hour * 60 + parts.minute) * 60 + parts.second) * 1000;
  const offset = localNow - Math.floor(ms / 1000) * 1000;
  return [Math.round((localMidnight - EPOCH_UTC) / DAY_MS), localMidnight - offset];
}

export function validOn(token, day) {
  const offset = day - token.validFrom;
  if (offset < 0 || offset >= token.nDays) return false;
  const mask = token.dayMask;
  if (typeof mask === "number") return mask === 0 || Math.floor(mask / 2 ** offset) % 2 === 1;
  return ((mask >> BigInt(offset)) & 1n) === 1n;
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
