import { addressBit, type ParsedCidr } from './address.js';
import type { RuleSubnetIndex } from './types.js';

/**
 * One binary trie per address family over the CIDRs of a record's rules. A node that ends
 * a CIDR holds the bit set of rules listing it; a lookup ORs the sets along the address's
 * path, so one walk answers "which rules' subnets contain this client" for every rule at once.
 */
class FamilyTrie {
  private readonly children: number[] = [-1, -1];
  /** Node index → offset of its rule bit set in `masks`, or -1. */
  private readonly maskAt: number[] = [-1];
  private readonly masks: number[] = [];

  constructor(private readonly words: number) {}

  insert(cidr: ParsedCidr, rule: number): void {
    let node = 0;
    for (let bit = 0; bit < cidr.prefix; bit++) {
      const slot = 2 * node + addressBit(cidr.words, bit);
      let next = this.children[slot]!;
      if (next < 0) {
        next = this.maskAt.length;
        this.maskAt.push(-1);
        this.children.push(-1, -1);
        this.children[slot] = next;
      }
      node = next;
    }
    let offset = this.maskAt[node]!;
    if (offset < 0) {
      offset = this.masks.length;
      for (let w = 0; w < this.words; w++) this.masks.push(0);
      this.maskAt[node] = offset;
    }
    this.masks[offset + (rule >>> 5)] = (this.masks[offset + (rule >>> 5)]! | (1 << (rule & 31))) >>> 0;
  }

  freeze(): FrozenTrie {
    return {
      children: Int32Array.from(this.children),
      maskAt: Int32Array.from(this.maskAt),
      masks: Uint32Array.from(this.masks),
    };
  }
}

interface FrozenTrie {
  children: Int32Array;
  maskAt: Int32Array;
  masks: Uint32Array;
}

/**
 * ORs the rule sets of every CIDR containing the address into `out`, and returns how many
 * leading bits decided that: every address sharing that many bits with this one matches
 * exactly the same CIDRs (the walk left the trie there), which bounds the ECS scope.
 */
function walk(trie: FrozenTrie, bits: number, words: Uint32Array, out: Uint32Array): number {
  const n = out.length;
  for (let w = 0; w < n; w++) out[w] = 0;
  let node = 0;
  for (let depth = 0; ; depth++) {
    const offset = trie.maskAt[node]!;
    if (offset >= 0) {
      for (let w = 0; w < n; w++) out[w] = out[w]! | trie.masks[offset + w]!;
    }
    if (depth === bits) return bits;
    const next = trie.children[2 * node + addressBit(words, depth)]!;
    if (next < 0) {
      // No CIDR continues this way; one may continue the other way, which the next bit rules out.
      const leaf = trie.children[2 * node]! < 0 && trie.children[2 * node + 1]! < 0;
      return leaf ? depth : depth + 1;
    }
    node = next;
  }
}

/** Builds the index; `rules[i]` are the parsed CIDRs of rule i (empty for rules without subnets). */
export function buildSubnetIndex(rules: readonly (readonly ParsedCidr[])[]): RuleSubnetIndex {
  const words = Math.max(1, Math.ceil(rules.length / 32));
  const v4 = new FamilyTrie(words);
  const v6 = new FamilyTrie(words);
  rules.forEach((cidrs, rule) => {
    for (const cidr of cidrs) (cidr.family === 4 ? v4 : v6).insert(cidr, rule);
  });
  const frozen4 = v4.freeze();
  const frozen6 = v6.freeze();
  return {
    match(family, addressWords, out) {
      return family === 4 ? walk(frozen4, 32, addressWords, out) : walk(frozen6, 128, addressWords, out);
    },
  };
}

/** Number of 32-bit words a rule bit set needs. */
export function ruleMaskWords(ruleCount: number): number {
  return Math.max(1, Math.ceil(ruleCount / 32));
}
