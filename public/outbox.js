// The rider's outbox: taps made without a connection, kept in IndexedDB until the server has
// answered them. The rider screen (app/src/delivery/outbox.rs) queues and sends; the offline page
// only counts. Each tap gets a key here, which the server uses to run it once however often it
// arrives.

const DATABASE = 'baedal';
const STORE = 'rider-outbox';

function open() {
  return new Promise((resolve, reject) => {
    const request = indexedDB.open(DATABASE, 1);
    request.onupgradeneeded = () => {
      request.result.createObjectStore(STORE, { keyPath: 'seq', autoIncrement: true });
    };
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

async function inStore(mode, work) {
  const db = await open();
  try {
    return await new Promise((resolve, reject) => {
      const transaction = db.transaction(STORE, mode);
      const result = work(transaction.objectStore(STORE));
      transaction.oncomplete = () => resolve(result.result);
      transaction.onerror = () => reject(transaction.error);
      transaction.onabort = () => reject(transaction.error);
    });
  } finally {
    db.close();
  }
}

/** Queues a tap (a JSON object as text); answers the stored record, with its `seq` and `key`. */
export async function enqueue(json) {
  const record = { ...JSON.parse(json), key: crypto.randomUUID() };
  const seq = await inStore('readwrite', (store) => store.add(record));
  return JSON.stringify({ ...record, seq });
}

/** Every queued tap, oldest first, as JSON text. */
export async function pending() {
  const records = await inStore('readonly', (store) => store.getAll());
  return JSON.stringify(records);
}

/** Forgets a tap the server has answered. */
export async function remove(seq) {
  await inStore('readwrite', (store) => store.delete(seq));
}

/** How many taps wait to be sent. */
export async function count() {
  return inStore('readonly', (store) => store.count());
}
