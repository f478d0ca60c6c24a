// An Aho–Corasick automaton over ASCII needles, for the prefilter's big substring indexes (the
// thousands of CommandLine needles of SigmaHQ's process_creation rules). One pass over a string
// reports every needle occurrence with one table load per character and no verification, where
// a gram index hashes two grams per character and compares every gram hit in place.
//
// Characters are folded to classes (one per character some needle has, 0 for every other one, non-ASCII
// included: no needle here has one), and the automaton is a full transition table, a row of
// classes per state (16-bit state numbers, so it is built only up to 65,535 states; the caller
// keeps a gram index otherwise).

/** Where a needle must occur: anywhere, at the start, or at the end of the string. */
export const ANYWHERE = 0;
export const AT_START = 1;
export const AT_END = 2;

/** Most states a table holds (state numbers are 16-bit). */
const MAX_STATES = 0xffff;

export class AhoCorasick {
  /** ASCII character → class (0: in no needle). */
  private readonly cls: Uint8Array;
  private readonly classes: number;
  /**
   * The transition table as the scan reads it: at row (state * classes) + class, the next
   * state's row (next * classes), bitwise-negated (negative) when the next state ends a needle
   * or has one on its suffix chain. One load and one sign test per character: no multiply and
   * no second table (the terminal flags) on the path every character takes.
   */
  private readonly rows: Int32Array;
  /** Per state: 1 when it or a state on its suffix chain ends a needle. */
  private readonly term: Uint8Array;
  /** Per state: the nearest proper suffix state that ends a needle (0: none). */
  private readonly dict: Uint16Array;
  /** Needles ending at state s: out* entries outStart[s] … outStart[s+1]-1. */
  private readonly outStart: Int32Array;
  private readonly outItem: Int32Array;
  private readonly outLen: Int32Array;
  private readonly outAnchor: Uint8Array;

  /** After scan: whether the string had a non-ASCII character. */
  sawNonAscii = false;

  /** null when the needles would need more than MAX_STATES states, or one is not ASCII or empty. */
  static build(needles: readonly { readonly needle: string; readonly item: number; readonly anchor: number }[]): AhoCorasick | null {
    const cls = new Uint8Array(128);
    let classes = 1;
    for (const { needle } of needles) {
      if (needle.length === 0) return null;
      for (let i = 0; i < needle.length; i++) {
        const c = needle.charCodeAt(i);
        if (c >= 128) return null;
        if (cls[c] === 0) cls[c] = classes++;
      }
    }
    // The trie, in arrays (state 0 is the root and nobody's child, so 0 also means "none"):
    // first child, next sibling, class of the edge into the state; needles ending at a state as
    // a list through endNext (-1 ends it).
    const first: number[] = [0];
    const sibling: number[] = [0];
    const label: number[] = [0];
    const endHead: number[] = [-1];
    const endNext: number[] = new Array<number>(needles.length).fill(-1);
    for (let n = 0; n < needles.length; n++) {
      const needle = (needles[n] as { needle: string }).needle;
      let s = 0;
      for (let i = 0; i < needle.length; i++) {
        const c = cls[needle.charCodeAt(i)] as number;
        let t = first[s] as number;
        while (t !== 0 && label[t] !== c) t = sibling[t] as number;
        if (t === 0) {
          t = first.length;
          if (t > MAX_STATES) return null;
          first.push(0);
          label.push(c);
          endHead.push(-1);
          sibling.push(first[s] as number);
          first[s] = t;
        }
        s = t;
      }
      endNext[n] = endHead[s] as number;
      endHead[s] = n;
    }
    return new AhoCorasick(cls, classes, first, sibling, label, endHead, endNext, needles);
  }

  private constructor(
    cls: Uint8Array,
    classes: number,
    first: readonly number[],
    sibling: readonly number[],
    label: readonly number[],
    endHead: readonly number[],
    endNext: readonly number[],
    needles: readonly { readonly needle: string; readonly item: number; readonly anchor: number }[],
  ) {
    this.cls = cls;
    this.classes = classes;
    const states = first.length;
    // States are numbered breadth first (the root 0, then its children, …), not in the order the
    // trie was built: a scan spends most of its time in shallow states, whose rows then sit
    // together at the start of the table (in cache) instead of spread over megabytes of it.
    const order = [0];
    for (let q = 0; q < order.length; q++) for (let t = first[order[q] as number] as number; t !== 0; t = sibling[t] as number) order.push(t);
    const num = new Int32Array(states);
    for (let i = 0; i < states; i++) num[order[i] as number] = i;
    // Below, states are the new numbers; first/sibling/label/endHead are read through order[].
    const delta = new Uint16Array(states * classes);
    const fail = new Uint16Array(states);
    const dict = new Uint16Array(states);
    const term = new Uint8Array(states);
    const ends = (s: number): boolean => endHead[order[s] as number] !== -1;
    // Breadth first, so that a state's fail state (shallower) is complete before it: the new
    // numbers are that order, so it is a loop over them.
    for (let t = first[0] as number; t !== 0; t = sibling[t] as number) delta[label[t] as number] = num[t] as number;
    for (let s = 1; s < states; s++) {
      const f = fail[s] as number;
      // The nearest suffix state ending a needle: the fail state if it ends one, else its own.
      dict[s] = ends(f) ? f : (dict[f] as number);
      term[s] = ends(s) || dict[s] !== 0 ? 1 : 0;
      const row = s * classes;
      const frow = f * classes;
      // Where s has no child, it goes where its fail state goes, else to the child.
      for (let c = 0; c < classes; c++) delta[row + c] = delta[frow + c] as number;
      for (let t = first[order[s] as number] as number; t !== 0; t = sibling[t] as number) {
        const c = label[t] as number;
        const child = num[t] as number;
        delta[row + c] = child;
        fail[child] = delta[frow + c] as number;
      }
    }
    // Class 0 (a character in no needle) always leads back to the root: the table says so already.
    const rows = new Int32Array(states * classes);
    for (let i = 0; i < rows.length; i++) {
      const next = delta[i] as number;
      rows[i] = term[next] !== 0 ? ~(next * classes) : next * classes;
    }
    this.rows = rows;
    this.term = term;
    this.dict = dict;
    const outStart = new Int32Array(states + 1);
    for (let st = 0; st < states; st++) {
      let count = 0;
      for (let n = endHead[order[st] as number] as number; n !== -1; n = endNext[n] as number) count++;
      outStart[st + 1] = (outStart[st] as number) + count;
    }
    const total = outStart[states] as number;
    this.outItem = new Int32Array(total);
    this.outLen = new Int32Array(total);
    this.outAnchor = new Uint8Array(total);
    for (let st = 0; st < states; st++) {
      let at = outStart[st] as number;
      for (let n = endHead[order[st] as number] as number; n !== -1; n = endNext[n] as number) {
        const x = needles[n] as { needle: string; item: number; anchor: number };
        this.outItem[at] = x.item;
        this.outLen[at] = x.needle.length;
        this.outAnchor[at] = x.anchor;
        at++;
      }
    }
    this.outStart = outStart;
  }

  /** Table size in bytes (for deciding whether it is worth its memory). */
  get bytes(): number {
    return this.rows.byteLength + this.term.byteLength * 3 + this.outItem.byteLength * 2 + this.outAnchor.byteLength;
  }

  /**
   * Pushes the item of every needle occurrence in `s` (whose anchoring holds) to `out`; with
   * `out` null, true at the first one. Non-ASCII characters of `s` are in no needle.
   */
  scan(s: string, out: number[] | null): boolean {
    const cls = this.cls;
    const rows = this.rows;
    const len = s.length;
    let row = 0;
    let wide = 0;
    for (let i = 0; i < len; i++) {
      const ch = s.charCodeAt(i);
      wide |= ch;
      row = rows[row + (ch < 128 ? (cls[ch] as number) : 0)] as number;
      if (row < 0) {
        row = ~row;
        if (this.emit(row / this.classes, i + 1, len, out)) {
          this.sawNonAscii = true; // unknown: the rest was not read
          return true;
        }
      }
    }
    this.sawNonAscii = wide >= 128;
    return false;
  }

  /** The needles ending at `end` (exclusive) in state `st` and its suffix chain. */
  private emit(st: number, end: number, len: number, out: number[] | null): boolean {
    for (let t = st; t !== 0; t = this.dict[t] as number) {
      const last = this.outStart[t + 1] as number;
      for (let j = this.outStart[t] as number; j < last; j++) {
        const anchor = this.outAnchor[j] as number;
        if (anchor !== ANYWHERE && (anchor === AT_START ? end !== this.outLen[j] : end !== len)) continue;
        if (out === null) return true;
        out.push(this.outItem[j] as number);
      }
    }
    return false;
  }
}
