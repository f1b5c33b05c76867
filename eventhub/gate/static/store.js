// What the scanner keeps: scans waiting to be sent and who is inside (IndexedDB), and small
// settings (localStorage). Unpairing wipes both.

const DB_NAME = "eventhub-gate";
const PREFIX = "gate.";
let opened = null;

function request(req) {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

export function openDb() {
  if (opened === null) {
    const req = indexedDB.open(DB_NAME, 1);
    req.onupgradeneeded = () => {
      const db = req.result;
      db.createObjectStore("queue", { keyPath: "nonce" });
      db.createObjectStore("presence", { keyPath: "passId" });
    };
    opened = request(req);
  }
  return opened;
}

async function tx(store, mode, work) {
  const db = await openDb();
  return new Promise((resolve, reject) => {
    const transaction = db.transaction(store, mode);
    const result = work(transaction.objectStore(store));
    transaction.oncomplete = () => resolve(result);
    transaction.onerror = () => reject(transaction.error);
    transaction.onabort = () => reject(transaction.error);
  });
}

export async function all(store) {
  const db = await openDb();
  return request(db.transaction(store).objectStore(store).getAll());
}

export function put(store, value) {
  return tx(store, "readwrite", (s) => s.put(value));
}

export function remove(store, keys) {
  return tx(store, "readwrite", (s) => keys.forEach((key) => s.delete(key)));
}

export function clear(store) {
  return tx(store, "readwrite", (s) => s.clear());
}

export function get(name, fallback = null) {
  const text = localStorage.getItem(PREFIX + name);
  if (text === null) return fallback;
  try {
    return JSON.parse(text);
  } catch {
    return fallback;
  }
}

export function set(name, value) {
  localStorage.setItem(PREFIX + name, JSON.stringify(value));
}

export async function wipe() {
  for (const key of Object.keys(localStorage)) {
    if (key.startsWith(PREFIX) && key !== PREFIX + "lang") localStorage.removeItem(key);
  }
  await clear("queue");
  await clear("presence");
}
