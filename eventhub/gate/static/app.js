// The gate scanner: pairing, input (camera and keyboard-wedge scanners), deciding online or
// alone, the queue of scans decided alone and its sync, and the screen.
import * as store from "./store.js";
import { cleanToken, colourOf, decideOffline, importKeys, venueDay } from "./decide.js";

const API = "/api/v1";
const SCAN_TIMEOUT_MS = 2000; // a queue cannot wait longer for an answer
const PROBE_MS = 3000; // how often an offline scanner looks for the server
const REFRESH_MS = 60000; // keys, revocations and rules, while online
// The server refuses scans dated 5 minutes ahead, and offline the scanner judges the day by its
// own clock: a minute off is worth telling the staff, long before either goes wrong.
const CLOCK_WARN_MS = 60000;
const RESULT_MS = 2500;
const HISTORY = 20;
const BATCH = 500;
const REPEAT_MS = 3000; // the camera sees a code many times a second

const STRINGS = JSON.parse(document.getElementById("gate-strings").textContent);
const $ = (id) => document.getElementById(id);

const S = {
  lang: store.get("lang", "ja"),
  token: store.get("token"),
  config: store.get("config"),
  jwks: store.get("jwks", { keys: [] }),
  keys: new Map(),
  revoked: new Set(store.get("revoked", [])),
  revokedSince: store.get("revokedSince", 0),
  presence: new Map(),
  verified: new Map(),
  queue: [],
  history: store.get("history", []),
  conflicts: store.get("conflicts", []),
  counters: store.get("counters", null),
  manualOffline: store.get("manualOffline", false),
  online: navigator.onLine,
  syncing: false,
  lastRefresh: 0,
  lastSeen: { text: "", at: 0 },
  resultTimer: null,
  audio: null,
  lastDecisionMs: null,
  // How far this device's clock is ahead of the server's (negative: behind), from the last
  // refresh; null until one succeeded.
  clockOffsetMs: store.get("clockOffsetMs", null),
};

// Texts -----------------------------------------------------------------------------------

function t(key, params = {}) {
  const text = STRINGS[S.lang].texts[key] ?? STRINGS.en.texts[key] ?? key;
  return text.replace(/%\((\w+)\)s/g, (_, name) => String(params[name] ?? ""));
}

function resultText(result, lang = S.lang) {
  return STRINGS[lang].results[result] ?? result;
}

function otherLang() {
  return S.lang === "ja" ? "en" : "ja";
}

function renderTexts() {
  document.documentElement.lang = S.lang;
  document.title = t("title");
  for (const element of document.querySelectorAll("[data-t]")) {
    element.textContent = t(element.dataset.t);
  }
  for (const element of document.querySelectorAll("[data-t-label]")) {
    element.setAttribute("aria-label", t(element.dataset.tLabel));
  }
  $("lang").value = S.lang;
  renderAll();
}

// The server ------------------------------------------------------------------------------

class Unreachable extends Error {}

async function api(path, { method = "GET", body, timeout = SCAN_TIMEOUT_MS, auth = true } = {}) {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeout);
  const headers = { Accept: "application/json", "Accept-Language": S.lang };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  if (auth) headers.Authorization = `Bearer ${S.token}`;
  let response;
  try {
    response = await fetch(API + path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: controller.signal,
      cache: "no-store",
    });
  } catch {
    throw new Unreachable();
  } finally {
    clearTimeout(timer);
  }
  if (response.status >= 500 || response.status === 429) throw new Unreachable();
  if (response.status === 401 && auth) {
    await unpair(t("unpaired_by_server"));
    throw new Unreachable();
  }
  return response;
}

async function problemText(response) {
  try {
    const problem = await response.json();
    const field = (problem.errors || [])[0];
    return (field && field.message) || problem.detail || problem.title || String(response.status);
  } catch {
    return String(response.status);
  }
}

function setOnline(online) {
  if (S.online !== online) {
    S.online = online;
    renderStatus();
  }
}

// Keys, revocations and rules: what deciding alone needs.
async function refresh() {
  const asked = Date.now();
  const config = await api("/device/config");
  if (!config.ok) throw new Unreachable();
  S.config = await config.json();
  store.set("config", S.config);
  const serverTime = Date.parse(S.config.server_time);
  if (!Number.isNaN(serverTime)) {
    // The server's answer was written about halfway through the round trip.
    S.clockOffsetMs = (asked + Date.now()) / 2 - serverTime;
    store.set("clockOffsetMs", S.clockOffsetMs);
  }
  checkForRelease();
  const jwks = await api("/device/keys");
  if (jwks.ok) {
    S.jwks = await jwks.json();
    store.set("jwks", S.jwks);
    S.keys = await importKeys(S.jwks);
  }
  for (;;) {
    const page = await api(`/device/revocations?since=${S.revokedSince}`);
    if (!page.ok) break;
    const body = await page.json();
    for (const item of body.items) S.revoked.add(`${item.pass_id}:${item.serial}`);
    S.revokedSince = body.next_since;
    if (!body.more) break;
  }
  store.set("revoked", [...S.revoked]);
  store.set("revokedSince", S.revokedSince);
  S.lastRefresh = Date.now();
  setOnline(true);
  renderAll();
}

// Releases --------------------------------------------------------------------------------
// A scanner page stays open all day, and a browser looks for a new service worker only when a
// page is opened: while online, the scanner asks at every refresh. A new release installs and
// takes the page over; the page then reloads into it as soon as no answer is on the screen,
// so what decides offline is always the release the server runs. Scans waiting to be sent are
// in IndexedDB and survive the reload.

let controlled = "serviceWorker" in navigator && navigator.serviceWorker.controller !== null;

function checkForRelease() {
  if (!("serviceWorker" in navigator)) return;
  navigator.serviceWorker
    .getRegistration()
    .then((registration) => registration && registration.update())
    .catch(() => {}); // offline, or the browser keeps the worker it has
}

function watchForRelease() {
  if (!("serviceWorker" in navigator)) return;
  navigator.serviceWorker.addEventListener("controllerchange", () => {
    // The first worker taking over a new page is this release, not a new one.
    if (!controlled) {
      controlled = true;
      return;
    }
    reloadWhenIdle();
  });
}

function reloadWhenIdle() {
  if (S.syncing || !$("result").hidden) {
    setTimeout(reloadWhenIdle, 500);
    return;
  }
  location.reload();
}

// Pairing ---------------------------------------------------------------------------------

function pairingCodeOf(text) {
  const match = /#pair=([0-9A-Za-z-]+)/.exec(text);
  return match ? decodeURIComponent(match[1]) : null;
}

async function pair(code) {
  const message = $("pair-message");
  message.textContent = t("pairing");
  let response;
  try {
    response = await api("/device/pair", { method: "POST", body: { code }, auth: false });
  } catch {
    message.textContent = t("pair_failed", { reason: t("unreachable_never") });
    return;
  }
  if (!response.ok) {
    message.textContent = t("pair_failed", { reason: await problemText(response) });
    return;
  }
  const paired = await response.json();
  await store.wipe();
  Object.assign(S, {
    token: paired.token,
    revoked: new Set(),
    revokedSince: 0,
    presence: new Map(),
    queue: [],
    history: [],
    conflicts: [],
    counters: null,
    manualOffline: false,
  });
  store.set("token", S.token);
  message.textContent = t("paired");
  history.replaceState(null, "", location.pathname);
  try {
    await refresh();
  } catch {
    message.textContent = t("pair_failed", { reason: t("unreachable_never") });
    return;
  }
  message.textContent = "";
  show("scanner");
}

async function unpair(reason = "") {
  stopCamera();
  await store.wipe();
  Object.assign(S, {
    token: null,
    config: null,
    jwks: { keys: [] },
    keys: new Map(),
    revoked: new Set(),
    revokedSince: 0,
    presence: new Map(),
    queue: [],
    history: [],
    conflicts: [],
    counters: null,
  });
  show("pairing");
  $("pair-message").textContent = reason;
}

// Deciding --------------------------------------------------------------------------------

function policy() {
  return S.config ? S.config.device.offline_policy : "auto";
}

function decidingAlone() {
  return S.manualOffline && policy() !== "never";
}

async function scan(text, started = performance.now()) {
  const token = cleanToken(text);
  if (!token) return;
  const direction = $("dir-exit").checked ? "exit" : "entry";
  const nonce = crypto.randomUUID();
  const at = new Date();
  if (!decidingAlone() && (S.online || policy() !== "auto")) {
    try {
      const response = await api("/device/scans", {
        method: "POST",
        body: { token, direction, nonce, scanned_at: at.toISOString() },
      });
      setOnline(true);
      if (response.ok) {
        const answer = await response.json();
        let before = null;
        if (answer.pass_id !== null && answer.inside !== null) {
          before = S.presence.get(answer.pass_id) || null;
          setPresence(answer.pass_id, answer.inside, answer.result);
        }
        record({ nonce, at, direction, answer, offline: false, before });
        return;
      }
      if (response.status === 422) {
        // A text too long or malformed to be a pass at all.
        record({ nonce, at, direction, answer: { result: "forged" }, offline: false });
        return;
      }
      throw new Unreachable();
    } catch (error) {
      if (!(error instanceof Unreachable) || !S.token) return;
      setOnline(false);
      if (policy() !== "auto") {
        showNotice(policy() === "never" ? "unreachable_never" : "unreachable_manual");
        return;
      }
    }
  }
  if (S.keys.size === 0) {
    showNotice("keys_missing");
    return;
  }
  const state = {
    keys: S.keys,
    editionId: S.config.edition.id,
    timezone: S.config.edition.timezone,
    reentryAllowed: S.config.rules.reentry_allowed,
    revoked: S.revoked,
    presence: S.presence,
    verified: S.verified,
  };
  const local = await decideOffline(state, token, direction, at);
  const before = local.passId === null ? null : S.presence.get(local.passId) || null;
  if (local.change) S.presence.set(local.passId, { passId: local.passId, ...local.change });
  const item = {
    nonce,
    token,
    direction,
    scanned_at: at.toISOString(),
    local_result: local.result,
    seq: Date.now() * 1000 + (S.queue.length % 1000),
  };
  S.queue.push(item);
  record({ nonce, at, direction, answer: { result: local.result, pass_id: local.passId }, offline: true, before });
  S.lastDecisionMs = performance.now() - started;
  await store.put("queue", item);
  if (local.change) await store.put("presence", S.presence.get(local.passId));
}

function setPresence(passId, inside, result) {
  const now = S.presence.get(passId) || { passId, inside: false, entries: 0 };
  const entered = inside && !now.inside && result !== "already_inside";
  const next = { passId, inside, entries: now.entries + (entered ? 1 : 0) };
  if (inside && next.entries === 0) next.entries = 1;
  S.presence.set(passId, next);
  store.put("presence", next);
}

// Sync ------------------------------------------------------------------------------------

async function sync() {
  if (S.syncing || S.queue.length === 0 || !S.token) return;
  S.syncing = true;
  renderStatus();
  try {
    while (S.queue.length > 0) {
      const chunk = S.queue.slice(0, BATCH);
      const response = await api("/device/scans/batch", {
        method: "POST",
        timeout: 15000,
        body: {
          scans: chunk.map((item) => ({
            token: item.token,
            direction: item.direction,
            nonce: item.nonce,
            scanned_at: item.scanned_at,
            decided_offline: true,
            local_result: item.local_result,
          })),
        },
      });
      if (!response.ok) throw new Unreachable();
      const answers = (await response.json()).scans;
      for (const [i, answer] of answers.entries()) settle(chunk[i], answer);
      const sent = new Set(chunk.map((item) => item.nonce));
      S.queue = S.queue.filter((item) => !sent.has(item.nonce));
      await store.remove("queue", [...sent]);
      store.set("history", S.history);
      store.set("conflicts", S.conflicts);
      setOnline(true);
    }
  } catch {
    setOnline(false);
  } finally {
    S.syncing = false;
    renderAll();
  }
}

function settle(item, answer) {
  const entry = S.history.find((scan) => scan.nonce === item.nonce);
  if (entry) {
    entry.synced = true;
    entry.scanId = answer.scan_id;
    entry.server = answer.result;
  }
  if (answer.result !== item.local_result) {
    S.conflicts.unshift({
      nonce: item.nonce,
      at: item.scanned_at,
      name: answer.holder_name,
      local: item.local_result,
      server: answer.result,
    });
    S.conflicts = S.conflicts.slice(0, 50);
  }
  if (answer.pass_id !== null && answer.inside !== null && answer.inside !== undefined) {
    const now = S.presence.get(answer.pass_id) || { passId: answer.pass_id, entries: 0 };
    const next = { ...now, inside: answer.inside, entries: Math.max(now.entries, answer.inside ? 1 : 0) };
    S.presence.set(answer.pass_id, next);
    store.put("presence", next);
  }
}

async function probe() {
  if (!S.token) return;
  const due = !S.online || S.queue.length > 0 || Date.now() - S.lastRefresh > REFRESH_MS;
  if (!due) return;
  try {
    await refresh();
    await sync();
  } catch {
    setOnline(false);
  }
}

// Undo ------------------------------------------------------------------------------------

function undoable(entry) {
  if (!S.config || entry.undone || !["admitted", "reentry_admitted", "exited"].includes(entry.result)) {
    return false;
  }
  const windowMs = S.config.rules.undo_window_seconds * 1000;
  return Date.now() - new Date(entry.at).getTime() < windowMs;
}

async function undo(entry) {
  const queued = S.queue.find((item) => item.nonce === entry.nonce);
  if (queued) {
    S.queue = S.queue.filter((item) => item !== queued);
    await store.remove("queue", [entry.nonce]);
  } else {
    if (!entry.scanId) return;
    let response;
    try {
      response = await api(`/device/scans/${entry.scanId}/undo`, { method: "POST" });
    } catch {
      showNotice("undo_failed", { reason: t("unreachable_never") });
      return;
    }
    if (!response.ok) {
      showNotice("undo_failed", { reason: await problemText(response) });
      return;
    }
  }
  if (entry.passId !== null && entry.passId !== undefined) {
    const before = entry.before || { passId: entry.passId, inside: entry.result === "exited", entries: 0 };
    S.presence.set(entry.passId, before);
    await store.put("presence", before);
  }
  entry.undone = true;
  count(entry.result, -1);
  store.set("history", S.history);
  store.set("counters", S.counters);
  renderAll();
}

// The screen ------------------------------------------------------------------------------

function show(screen) {
  $("pairing").hidden = screen !== "pairing";
  $("scanner").hidden = screen !== "scanner";
  renderAll();
  (screen === "pairing" ? $("pair-code") : $("code")).focus();
}

function today() {
  return S.config ? venueDay(new Date(), S.config.edition.timezone) : 0;
}

function count(result, step) {
  if (!S.counters || S.counters.day !== today()) {
    S.counters = { day: today(), admitted: 0, exited: 0, refused: 0 };
  }
  const colour = colourOf(result);
  const key = colour === "green" ? (result === "exited" ? "exited" : "admitted") : "refused";
  S.counters[key] = Math.max(0, S.counters[key] + step);
}

function record({ nonce, at, direction, answer, offline, before = null }) {
  const entry = {
    nonce,
    at: at.toISOString(),
    direction,
    result: answer.result,
    passId: answer.pass_id ?? null,
    name: answer.holder_name ?? null,
    scanId: answer.scan_id ?? null,
    offline,
    synced: !offline,
    before,
  };
  S.history.unshift(entry);
  S.history.length = Math.min(S.history.length, HISTORY);
  count(entry.result, 1);
  showResult(entry);
  if (typeof window.gate.onDecision === "function") window.gate.onDecision(entry);
  // The answer is on the screen: the list, the counters and their copies follow a moment
  // later, so that a queue of visitors never waits for them.
  later(() => {
    store.set("history", S.history);
    store.set("counters", S.counters);
    renderAll();
  });
}

let pending = null;
function later(work, first = false) {
  if (pending === null) {
    pending = [];
    setTimeout(() => {
      const jobs = pending;
      pending = null;
      for (const job of jobs) job();
    }, 0);
  }
  if (first) pending.unshift(work);
  else pending.push(work);
}

function showResult(entry) {
  const box = $("result");
  const colour = colourOf(entry.result);
  box.className = `result ${colour}`;
  box.dataset.result = entry.result;
  box.dataset.offline = String(entry.offline);
  $("result-main").textContent = resultText(entry.result);
  $("result-other").textContent = resultText(entry.result, otherLang());
  $("result-name").textContent = entry.name || "";
  $("result-note").textContent = entry.offline ? t("decided_offline") : "";
  box.hidden = false;
  later(() => feedback(colour), true); // a moment after the answer shows, not before
  clearTimeout(S.resultTimer);
  S.resultTimer = setTimeout(hideResult, RESULT_MS);
}

function showNotice(key, params = {}) {
  const box = $("result");
  box.className = "result amber";
  box.dataset.result = key;
  box.dataset.offline = "false";
  $("result-main").textContent = t(key, params);
  $("result-other").textContent = "";
  $("result-name").textContent = "";
  $("result-note").textContent = "";
  box.hidden = false;
  feedback("amber");
  clearTimeout(S.resultTimer);
  S.resultTimer = setTimeout(hideResult, RESULT_MS * 2);
}

function hideResult() {
  $("result").hidden = true;
}

function feedback(colour) {
  // Without a touch first, browsers refuse (and log a warning, which is slow).
  const touched = !navigator.userActivation || navigator.userActivation.hasBeenActive;
  if (navigator.vibrate && touched) {
    try {
      navigator.vibrate(colour === "green" ? 80 : colour === "amber" ? [80, 60, 80] : 400);
    } catch {
      // not allowed before the user touched the page
    }
  }
  try {
    S.audio = S.audio || new AudioContext();
    if (S.audio.state !== "running") return;
    const tone = S.audio.createOscillator();
    const gain = S.audio.createGain();
    tone.frequency.value = colour === "green" ? 880 : colour === "amber" ? 520 : 220;
    gain.gain.value = 0.15;
    tone.connect(gain).connect(S.audio.destination);
    tone.start();
    tone.stop(S.audio.currentTime + (colour === "red" ? 0.45 : 0.12));
  } catch {
    // no sound on this device
  }
}

function renderStatus() {
  const status = $("status");
  let text;
  let state;
  if (decidingAlone()) {
    text = t("offline_manual");
    state = "offline";
  } else if (S.online) {
    text = t("online");
    state = "online";
  } else {
    text = policy() === "auto" ? t("offline") : t(policy() === "never" ? "unreachable_never" : "unreachable_manual");
    state = "offline";
  }
  status.textContent = text;
  status.dataset.state = state;
  const pending = $("pending");
  pending.textContent = S.syncing
    ? t("syncing")
    : S.queue.length
      ? t("unsynced", { count: S.queue.length })
      : t("all_synced");
  pending.dataset.count = String(S.queue.length);
  $("sync-now").hidden = S.queue.length === 0;
  renderClock();
}

function renderClock() {
  const clock = $("clock");
  const off = S.clockOffsetMs;
  clock.hidden = off === null || Math.abs(off) < CLOCK_WARN_MS;
  if (clock.hidden) return;
  const minutes = Math.max(1, Math.round(Math.abs(off) / 60000));
  clock.textContent = t(off > 0 ? "clock_ahead" : "clock_behind", { minutes });
}

function renderAll() {
  if (!S.token || !S.config) {
    $("where").textContent = "";
  } else {
    const { edition, device } = S.config;
    const title = S.lang === "ja" ? edition.title_ja : edition.title_en || edition.title_ja;
    const gate =
      device.gate_id === null
        ? t("no_gate")
        : S.lang === "ja"
          ? device.gate_name_ja
          : device.gate_name_en || device.gate_name_ja;
    $("where").textContent = `${title} · ${t("gate")}: ${gate} · ${device.name}`;
    $("policy").textContent = t(`policy_${policy()}`);
    $("offline-switch").hidden = policy() === "never";
    $("work-offline").checked = S.manualOffline;
  }
  renderStatus();
  const counters = S.counters && S.counters.day === today() ? S.counters : { admitted: 0, exited: 0, refused: 0 };
  $("count-admitted").textContent = counters.admitted;
  $("count-exited").textContent = counters.exited;
  $("count-refused").textContent = counters.refused;
  renderHistory();
  renderConflicts();
}

function timeOf(iso) {
  const zone = S.config ? S.config.edition.timezone : "Asia/Tokyo";
  return new Date(iso).toLocaleTimeString(S.lang === "ja" ? "ja-JP" : "en-GB", { timeZone: zone });
}

function renderHistory() {
  const list = $("history");
  list.replaceChildren();
  $("no-scans").hidden = S.history.length > 0;
  S.history.forEach((entry, index) => {
    const item = document.createElement("li");
    item.className = `scan ${colourOf(entry.result)}`;
    item.dataset.result = entry.result;
    item.dataset.nonce = entry.nonce;
    const parts = [timeOf(entry.at), t(entry.direction), resultText(entry.result)];
    if (entry.name) parts.push(entry.name);
    const notes = [];
    if (entry.offline) notes.push(t("decided_offline"));
    if (entry.offline && !entry.synced) notes.push(t("not_sent"));
    if (entry.server && entry.server !== entry.result) {
      notes.push(t("conflict", { server: resultText(entry.server), local: resultText(entry.result) }));
    }
    if (entry.undone) notes.push(t("undone"));
    const text = document.createElement("span");
    text.textContent = parts.join(" · ") + (notes.length ? ` (${notes.join(", ")})` : "");
    item.append(text);
    if (index === 0 && undoable(entry)) {
      const button = document.createElement("button");
      button.type = "button";
      button.className = "undo";
      button.textContent = t("undo");
      button.addEventListener("click", () => undo(entry));
      item.append(" ", button);
    }
    list.append(item);
  });
}

function renderConflicts() {
  const list = $("conflict-list");
  list.replaceChildren();
  $("conflicts").hidden = S.conflicts.length === 0;
  for (const conflict of S.conflicts) {
    const item = document.createElement("li");
    item.dataset.server = conflict.server;
    item.dataset.local = conflict.local;
    const who = conflict.name ? `${conflict.name} · ` : "";
    item.textContent = `${timeOf(conflict.at)} · ${who}${t("conflict", {
      server: resultText(conflict.server),
      local: resultText(conflict.local),
    })}`;
    list.append(item);
  }
}

// Input: camera and keyboard --------------------------------------------------------------

let camera = null;

async function detectorFor() {
  if ("BarcodeDetector" in window) {
    try {
      const formats = await BarcodeDetector.getSupportedFormats();
      if (formats.includes("qr_code")) {
        const detector = new BarcodeDetector({ formats: ["qr_code"] });
        return async (video) => {
          const codes = await detector.detect(video);
          return codes.length ? codes[0].rawValue : null;
        };
      }
    } catch {
      // fall back to the vendored decoder
    }
  }
  if (!window.jsQR) {
    await new Promise((resolve, reject) => {
      const script = document.createElement("script");
      script.src = document.body.dataset.jsqr;
      script.onload = resolve;
      script.onerror = reject;
      document.head.append(script);
    });
  }
  const canvas = document.createElement("canvas");
  const context = canvas.getContext("2d", { willReadFrequently: true });
  return async (video) => {
    const scale = Math.min(1, 640 / (video.videoWidth || 640));
    canvas.width = Math.round(video.videoWidth * scale);
    canvas.height = Math.round(video.videoHeight * scale);
    if (!canvas.width || !canvas.height) return null;
    context.drawImage(video, 0, 0, canvas.width, canvas.height);
    const image = context.getImageData(0, 0, canvas.width, canvas.height);
    const code = window.jsQR(image.data, image.width, image.height, { inversionAttempts: "attemptBoth" });
    return code ? code.data : null;
  };
}

async function startCamera() {
  const video = $("video");
  try {
    const stream = await navigator.mediaDevices.getUserMedia({
      video: { facingMode: "environment" },
      audio: false,
    });
    video.srcObject = stream;
    await video.play();
    const detect = await detectorFor();
    camera = { stream, running: true };
    $("camera").hidden = false;
    renderCameraButtons();
    const loop = async () => {
      if (!camera || !camera.running) return;
      try {
        const text = await detect(video);
        if (text) await seen(text);
      } catch {
        // a frame that cannot be read
      }
      setTimeout(loop, 120);
    };
    loop();
  } catch (error) {
    showNotice("camera_unavailable", { reason: error && error.name ? error.name : String(error) });
  }
}

function stopCamera() {
  if (camera) {
    camera.running = false;
    camera.stream.getTracks().forEach((track) => track.stop());
    camera = null;
  }
  $("camera").hidden = true;
  renderCameraButtons();
}

function renderCameraButtons() {
  for (const button of document.querySelectorAll("[data-camera]")) {
    button.textContent = camera ? t("camera_stop") : t("camera_start");
    button.setAttribute("aria-pressed", String(Boolean(camera)));
  }
}

async function seen(text) {
  // The camera sees a code many times a second: once per REPEAT_MS counts.
  const now = Date.now();
  if (text === S.lastSeen.text && now - S.lastSeen.at < REPEAT_MS) return;
  S.lastSeen = { text, at: now };
  await read(text, performance.now());
}

// ``started``: when the code was read (the Enter of a keyboard-wedge scanner, the camera's
// frame), from which the time to decide is measured.
async function read(text, started) {
  const code = pairingCodeOf(text);
  if (!S.token) {
    if (code) {
      stopCamera();
      $("pair-code").value = code;
      await pair(code);
    }
    return;
  }
  if (code) return; // a pairing code shown to a paired scanner
  await scan(text, started);
}

function wire() {
  $("lang").addEventListener("change", (event) => {
    S.lang = event.target.value;
    store.set("lang", S.lang);
    renderTexts();
  });
  $("pair-form").addEventListener("submit", (event) => {
    event.preventDefault();
    pair($("pair-code").value.trim());
  });
  $("scan-form").addEventListener("submit", (event) => {
    const started = performance.now();
    event.preventDefault();
    const input = $("code");
    const text = input.value;
    input.value = "";
    // Focusing forces a layout: only when the field has lost the focus.
    if (document.activeElement !== input) input.focus();
    if (S.audio === null) {
      try {
        S.audio = new AudioContext();
      } catch {
        S.audio = null;
      }
    }
    read(text, started);
  });
  for (const button of document.querySelectorAll("[data-camera]")) {
    button.addEventListener("click", () => (camera ? stopCamera() : startCamera()));
  }
  $("work-offline").addEventListener("change", (event) => {
    S.manualOffline = event.target.checked;
    store.set("manualOffline", S.manualOffline);
    renderAll();
  });
  $("sync-now").addEventListener("click", () => probe());
  $("unpair").addEventListener("click", () => {
    if (confirm(t("unpair_confirm"))) unpair();
  });
  $("result").addEventListener("click", hideResult);
  $("dismiss").addEventListener("click", hideResult);
  window.addEventListener("online", () => probe());
  window.addEventListener("offline", () => setOnline(false));
  setInterval(probe, PROBE_MS);
}

// Start -----------------------------------------------------------------------------------

async function start() {
  wire();
  watchForRelease();
  renderTexts();
  if ("serviceWorker" in navigator) {
    try {
      await navigator.serviceWorker.register(document.body.dataset.sw, { scope: document.body.dataset.scope });
    } catch {
      // the scanner still works online
    }
  }
  const code = pairingCodeOf(location.hash);
  if (code && !S.token) {
    $("pair-code").value = code;
    show("pairing");
    await pair(code);
    return;
  }
  if (!S.token) {
    show("pairing");
    return;
  }
  S.keys = await importKeys(S.jwks);
  for (const presence of await store.all("presence")) S.presence.set(presence.passId, presence);
  S.queue = (await store.all("queue")).sort((a, b) => a.seq - b.seq);
  show("scanner");
  probe();
}

window.gate = {
  state: S,
  onDecision: null,
  ready: null,
  sync,
  refresh,
  get lastDecisionMs() {
    return S.lastDecisionMs;
  },
};
window.gate.ready = start();
