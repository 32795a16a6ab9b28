// A module Web Worker that hashes Blobs with the package's streaming Digester (all three
// digests, or the `algorithms` of the message).
import init, { Digester } from '../../index.js';

const ready = init();

self.onmessage = async ({ data }) => {
  await ready;
  const d = new Digester(data.algorithms);
  const reader = data.blob.stream().getReader();
  let chunks = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    d.update(value);
    chunks += 1;
  }
  const bytes = d.bytesHashed;
  const digests = d.finalize();
  d.free();
  self.postMessage({ id: data.id, ...digests, bytes, chunks, scope: self.constructor.name });
};
