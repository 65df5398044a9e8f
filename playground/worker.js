// The compare worker: the playground's own wasm module, loaded a second time off the page's
// thread, answering one comparison per message (src/compare_worker.rs describes the messages).
// The page sends the next request only after the answer to the previous one, but messages are
// still handled one at a time here, in order.
import init, { compareInWorker } from './pacto-playground.js';

const ready = init();
let queue = Promise.resolve();

self.onmessage = (event) => {
  queue = queue
    .then(async () => {
      await ready;
      self.postMessage(await compareInWorker(event.data));
    })
    // A failure (the module did not load, a bug) reaches the page as the worker's error event.
    .catch((error) => {
      setTimeout(() => {
        throw error;
      });
    });
};
