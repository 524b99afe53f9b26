import { MemoryMetaStore } from '../../src/meta/index.js';
import { storeContract } from './store-contract.js';

storeContract('memory store', async (t, options = {}) => {
  const store = new MemoryMetaStore({ maxVersions: options.maxVersions });
  t.after(() => store.close());
  return store;
});
