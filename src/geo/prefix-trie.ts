import { bitAt } from './ip-address.js';

interface TrieNode<T> {
  zero: TrieNode<T> | undefined;
  one: TrieNode<T> | undefined;
  value: T | undefined;
}

function node<T>(): TrieNode<T> {
  return { zero: undefined, one: undefined, value: undefined };
}

/**
 * A binary trie over address bits: longest-prefix match in at most 32 (IPv4) or
 * 128 (IPv6) steps whatever the number of networks, cheap enough for every DNS query.
 */
export class PrefixTrie<T> {
  private readonly root: TrieNode<T> = node<T>();

  /** Store `value` for words/prefixLength; returns the value it replaced, if any. */
  insert(words: readonly number[], prefixLength: number, value: T): T | undefined {
    let current = this.root;
    for (let i = 0; i < prefixLength; i++) {
      if (bitAt(words, i) === 0) current = current.zero ??= node<T>();
      else current = current.one ??= node<T>();
    }
    const previous = current.value;
    current.value = value;
    return previous;
  }

  /** The value of the longest stored prefix covering `words`, with its length. */
  longest(words: readonly number[], bits: number): { value: T; prefixLength: number } | undefined {
    let current: TrieNode<T> | undefined = this.root;
    let best: { value: T; prefixLength: number } | undefined;
    for (let i = 0; current !== undefined; i++) {
      if (current.value !== undefined) best = { value: current.value, prefixLength: i };
      if (i === bits) break;
      current = bitAt(words, i) === 0 ? current.zero : current.one;
    }
    return best;
  }
}
