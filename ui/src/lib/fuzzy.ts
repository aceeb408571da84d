// Fuzzy matching for the command palette (Ctrl+K): function names, profiles, regions and
// actions. A query matches when its characters (whitespace ignored) appear in the candidate
// in order; the score rewards exact and prefix matches, word-boundary hits and consecutive
// runs, and penalises gaps and late starts. Pure TypeScript, no Svelte or Tauri, so vitest
// covers it directly.
//
// Performance: `FuzzyIndex` lower-cases every key once into one flat Uint16Array, with a
// per-character boundary bonus and a per-key letter bitmask beside it. A keystroke then
// rejects most keys with one AND of bitmasks, confirms the rest with a forward subsequence
// scan, scores the survivors with a small DP limited to the window each query character can
// occupy, and keeps the best `limit` in a bounded heap. Only the final results get their
// highlight positions (a second DP pass with backtracking), so the 10,000-key scan allocates
// nothing per candidate.

/** Where and how well `query` matches `candidate`; null when it does not. Case-insensitive. */
export type FuzzyMatch = { score: number; positions: number[] };

// ---- Scoring -----------------------------------------------------------------------------
// Every matched character earns SCORE_MATCH plus a bonus for where it lands. A character
// directly after the previous match keeps the bonus of the run's first character (so all of
// "api" in "payments-api" counts as a word-boundary hit), and at least BONUS_CONSECUTIVE.
// Gaps between matched characters cost PENALTY_GAP_OPEN plus PENALTY_GAP_EXTEND per extra
// skipped character; each character before the first match costs PENALTY_LEADING (capped
// so a late word-boundary hit still beats an early mid-word one).
//
// A prefix match (every character from index 0, consecutive) scores the maximum possible
// (SCORE_MATCH + BONUS_START per character), so it always beats any non-prefix alignment of
// the same query; an exact match adds BONUS_EXACT on top.

const SCORE_MATCH = 32;
const BONUS_START = 36;
const BONUS_BOUNDARY = 28;
const BONUS_CAMEL = 24;
const BONUS_CONSECUTIVE = 12;
const PENALTY_GAP_OPEN = 12;
const PENALTY_GAP_EXTEND = 2;
const PENALTY_LEADING = 1;
const LEADING_CAP = 20;
const BONUS_EXACT = 64;

/** Below every reachable score; also marks an impossible DP cell. */
const NEG = -0x3fffffff;
/** Returned by `align` when the query is not a subsequence of the candidate. */
const NO_MATCH = NEG;

// ---- Character helpers ---------------------------------------------------------------------

/**
 * Lower-cases one UTF-16 code unit, keeping one unit per character so positions stay candidate
 * indices (ASCII fast path; "İ", whose lower case is "i" plus a combining dot, becomes "i").
 */
function lowerCode(c: number): number {
  if (c < 128) return c >= 65 && c <= 90 ? c + 32 : c;
  return String.fromCharCode(c).toLowerCase().charCodeAt(0);
}

function isWhitespace(c: number): boolean {
  if (c < 128) return c === 32 || (c >= 9 && c <= 13);
  return /\s/.test(String.fromCharCode(c));
}

/** Characters after which a new word starts: `-`, `_`, `.`, `/`, `:` and whitespace. */
function isSeparator(c: number): boolean {
  return c === 45 || c === 95 || c === 46 || c === 47 || c === 58 || isWhitespace(c);
}

function isLowerLetter(c: number): boolean {
  if (c < 128) return c >= 97 && c <= 122;
  const s = String.fromCharCode(c);
  return s.toUpperCase() !== s && s.toLowerCase() === s;
}

function isUpperLetter(c: number): boolean {
  if (c < 128) return c >= 65 && c <= 90;
  const s = String.fromCharCode(c);
  return s.toLowerCase() !== s && s.toUpperCase() === s;
}

/** Bonus for matching the character at `j` of `text`, judged on the original (unlowered) text. */
function positionBonus(text: string, j: number): number {
  if (j === 0) return BONUS_START;
  const prev = text.charCodeAt(j - 1);
  if (isSeparator(prev)) return BONUS_BOUNDARY;
  if (isLowerLetter(prev) && isUpperLetter(text.charCodeAt(j))) return BONUS_CAMEL;
  return 0;
}

/** One bit per letter (a–z) and a few shared bits for digits: a cheap "could it match?" test. */
function maskBit(lower: number): number {
  if (lower >= 97 && lower <= 122) return 1 << (lower - 97);
  if (lower >= 48 && lower <= 57) return 1 << (26 + ((lower - 48) % 6));
  return 0;
}

// ---- Scratch buffers (reused across calls; JavaScript is single-threaded) ------------------

let queryBuf = new Uint16Array(64);
let lo = new Int32Array(64); // earliest candidate index each query character can take
let hi = new Int32Array(64); // latest candidate index each query character can take
let rowA = new Int32Array(256);
let rowB = new Int32Array(256);
let runA = new Int32Array(256);
let runB = new Int32Array(256);
let fromBuf = new Int32Array(1024); // DP predecessors, only filled when tracking positions
let posBuf = new Int32Array(64);
let candCodes = new Uint16Array(256); // fuzzyMatch's single candidate
let candBonus = new Uint8Array(256);

function ensureQueryCapacity(m: number): void {
  if (m <= queryBuf.length) return;
  const size = Math.max(m, queryBuf.length * 2);
  queryBuf = new Uint16Array(size);
  lo = new Int32Array(size);
  hi = new Int32Array(size);
  posBuf = new Int32Array(size);
}

function ensureRowCapacity(n: number): void {
  if (n <= rowA.length) return;
  const size = Math.max(n, rowA.length * 2);
  rowA = new Int32Array(size);
  rowB = new Int32Array(size);
  runA = new Int32Array(size);
  runB = new Int32Array(size);
}

function ensureCandidateCapacity(n: number): void {
  if (n <= candCodes.length) return;
  const size = Math.max(n, candCodes.length * 2);
  candCodes = new Uint16Array(size);
  candBonus = new Uint8Array(size);
}

function ensureFromCapacity(cells: number): void {
  if (cells > fromBuf.length) fromBuf = new Int32Array(Math.max(cells, fromBuf.length * 2));
}

/** A query without its whitespace, lower-cased into `queryBuf`. */
type PreparedQuery = {
  /** Length in `queryBuf`. */
  length: number;
  /** Bitmask of the letters/digits the candidate must contain. */
  mask: number;
  /** The lower-cased, trimmed query (with inner whitespace) for the exact-match check. */
  trimmed: string;
};

function prepareQuery(query: string): PreparedQuery {
  ensureQueryCapacity(query.length);
  let m = 0;
  let mask = 0;
  for (let i = 0; i < query.length; i++) {
    const c = query.charCodeAt(i);
    if (isWhitespace(c)) continue;
    const l = lowerCode(c);
    queryBuf[m++] = l;
    mask |= maskBit(l);
  }
  return { length: m, mask, trimmed: m === 0 ? "" : query.trim().toLowerCase() };
}

// ---- Alignment -----------------------------------------------------------------------------

/**
 * Scores the best alignment of `queryBuf[0..m)` within `codes[off..off+n)` (lower-cased, with
 * `bonus` alongside). Returns NO_MATCH when the query is not a subsequence. With `track`, the
 * matched candidate indices are left in `posBuf[0..m)`.
 *
 * DP over query character i and candidate index j, restricted to j in [lo[i], hi[i]]: the
 * earliest and latest index character i can take in any full match (a forward and a backward
 * greedy scan). `cur[j]` is the best score with query character i matched at j; `run[j]` is
 * the bonus its consecutive run carries forward.
 */
function align(
  codes: Uint16Array,
  bonus: Uint8Array,
  off: number,
  n: number,
  m: number,
  track: boolean,
): number {
  const q = queryBuf;

  // Forward greedy scan: the subsequence pre-check, and the earliest index per character.
  let j = 0;
  for (let i = 0; i < m; i++) {
    const c = q[i];
    while (j < n && codes[off + j] !== c) j++;
    if (j === n) return NO_MATCH;
    lo[i] = j++;
  }

  // Prefix: characters 0..m-1 consecutive from the start is the best possible alignment.
  if (lo[m - 1] === m - 1) {
    if (track) for (let i = 0; i < m; i++) posBuf[i] = i;
    return m * (SCORE_MATCH + BONUS_START);
  }

  // Backward greedy scan: the latest index per character (always >= lo[i], so it terminates).
  j = n - 1;
  for (let i = m - 1; i >= 0; i--) {
    const c = q[i];
    while (codes[off + j] !== c) j--;
    hi[i] = j--;
  }

  let cur = rowA;
  let prev = rowB;
  let curRun = runA;
  let prevRun = runB;
  const from = fromBuf;

  // Row 0: the first query character, with the leading-gap penalty.
  const c0 = q[0];
  for (j = lo[0]; j <= hi[0]; j++) {
    if (codes[off + j] === c0) {
      const b = bonus[off + j];
      cur[j] = SCORE_MATCH + b - (j < LEADING_CAP ? j : LEADING_CAP) * PENALTY_LEADING;
      curRun[j] = b;
    } else {
      cur[j] = NEG;
    }
  }

  for (let i = 1; i < m; i++) {
    let t = prev;
    prev = cur;
    cur = t;
    t = prevRun;
    prevRun = curRun;
    curRun = t;

    const plo = lo[i - 1];
    const phi = hi[i - 1];
    const clo = lo[i];
    const chi = hi[i];
    const c = q[i];
    const rowBase = i * n;
    // Best "previous row + gap" predecessor for the current j, and where it came from.
    let gap = NEG;
    let gapFrom = -1;
    for (j = plo + 1; j <= chi; j++) {
      if (gap !== NEG) gap -= PENALTY_GAP_EXTEND;
      const k = j - 2;
      if (k >= plo && k <= phi) {
        const p = prev[k];
        if (p !== NEG && p - PENALTY_GAP_OPEN > gap) {
          gap = p - PENALTY_GAP_OPEN;
          gapFrom = k;
        }
      }
      if (j < clo) continue;
      if (codes[off + j] !== c) {
        cur[j] = NEG;
        continue;
      }
      const b = bonus[off + j];
      let best = NEG;
      let run = 0;
      let pred = -1;
      if (j - 1 <= phi) {
        const p = prev[j - 1];
        if (p !== NEG) {
          const r = prevRun[j - 1] > b ? prevRun[j - 1] : b;
          best = p + SCORE_MATCH + (r > BONUS_CONSECUTIVE ? r : BONUS_CONSECUTIVE);
          run = r;
          pred = j - 1;
        }
      }
      if (gap !== NEG) {
        const g = gap + SCORE_MATCH + b;
        if (g > best) {
          best = g;
          run = b;
          pred = gapFrom;
        }
      }
      cur[j] = best;
      curRun[j] = run;
      if (track) from[rowBase + j] = pred;
    }
  }

  let bestScore = NEG;
  let bestJ = -1;
  const last = hi[m - 1];
  for (j = lo[m - 1]; j <= last; j++) {
    if (cur[j] > bestScore) {
      bestScore = cur[j];
      bestJ = j;
    }
  }
  if (track) {
    posBuf[m - 1] = bestJ;
    for (let i = m - 1; i > 0; i--) {
      bestJ = from[i * n + bestJ];
      posBuf[i - 1] = bestJ;
    }
  }
  return bestScore;
}

function positionsOf(m: number): number[] {
  const out = new Array<number>(m);
  for (let i = 0; i < m; i++) out[i] = posBuf[i];
  return out;
}

/** Where and how well `query` matches `candidate`; null when it does not. Case-insensitive. */
export function fuzzyMatch(query: string, candidate: string): FuzzyMatch | null {
  const prepared = prepareQuery(query);
  const m = prepared.length;
  if (m === 0) return { score: 0, positions: [] };
  const n = candidate.length;
  if (n < m) return null;
  ensureCandidateCapacity(n);
  for (let j = 0; j < n; j++) {
    candCodes[j] = lowerCode(candidate.charCodeAt(j));
    candBonus[j] = positionBonus(candidate, j);
  }
  ensureRowCapacity(n);
  ensureFromCapacity(m * n);
  let score = align(candCodes, candBonus, 0, n, m, true);
  if (score === NO_MATCH) return null;
  if (n === m || (n === prepared.trimmed.length && candidate.toLowerCase() === prepared.trimmed)) score += BONUS_EXACT;
  return { score, positions: positionsOf(m) };
}

/** A prepared list of items searched by one string key each (lower-cased once up front). */
export class FuzzyIndex<T> {
  private readonly items: readonly T[];
  /** Lower-cased keys (for the exact-match check). */
  private readonly lowerKeys: string[];
  /** All lower-cased keys back to back, one UTF-16 unit per character. */
  private readonly codes: Uint16Array;
  /** Boundary bonus of each character in `codes`. */
  private readonly bonus: Uint8Array;
  /** Key i occupies codes[offsets[i] .. offsets[i + 1]). */
  private readonly offsets: Int32Array;
  /** Letters/digits present in key i (see maskBit). */
  private readonly masks: Int32Array;
  private readonly maxKeyLength: number;

  constructor(items: readonly T[], key: (item: T) => string) {
    this.items = items.slice();
    const count = this.items.length;
    const keys = new Array<string>(count);
    let total = 0;
    let maxLen = 0;
    for (let i = 0; i < count; i++) {
      const k = String(key(this.items[i]) ?? "");
      keys[i] = k;
      total += k.length;
      if (k.length > maxLen) maxLen = k.length;
    }
    this.codes = new Uint16Array(total);
    this.bonus = new Uint8Array(total);
    this.offsets = new Int32Array(count + 1);
    this.masks = new Int32Array(count);
    this.lowerKeys = new Array<string>(count);
    this.maxKeyLength = maxLen;
    let off = 0;
    for (let i = 0; i < count; i++) {
      const k = keys[i];
      this.offsets[i] = off;
      let mask = 0;
      for (let j = 0; j < k.length; j++) {
        const l = lowerCode(k.charCodeAt(j));
        this.codes[off + j] = l;
        this.bonus[off + j] = positionBonus(k, j);
        mask |= maskBit(l);
      }
      this.masks[i] = mask;
      this.lowerKeys[i] = k.toLowerCase();
      off += k.length;
    }
    this.offsets[count] = off;
  }

  /** Number of items in the index. */
  get size(): number {
    return this.items.length;
  }

  /** The best `limit` matches, best first: ties broken by shorter key, then key order. An empty query returns the first `limit` items in their given order with score 0 and no positions. */
  search(query: string, limit: number): { item: T; score: number; positions: number[] }[] {
    const count = this.items.length;
    const k = limit >= count ? count : limit > 0 ? Math.floor(limit) : 0;
    if (k === 0) return [];
    const prepared = prepareQuery(query);
    const m = prepared.length;
    if (m === 0) {
      const out = new Array<{ item: T; score: number; positions: number[] }>(k);
      for (let i = 0; i < k; i++) out[i] = { item: this.items[i], score: 0, positions: [] };
      return out;
    }
    ensureRowCapacity(this.maxKeyLength);

    const { codes, bonus, offsets, masks } = this;
    const qMask = prepared.mask;
    // Bounded heap of the best k so far; the root is the worst of them.
    const heapIdx = new Int32Array(k);
    const heapScore = new Int32Array(k);
    let size = 0;

    for (let i = 0; i < count; i++) {
      if ((masks[i] & qMask) !== qMask) continue;
      const off = offsets[i];
      const n = offsets[i + 1] - off;
      if (n < m) continue;
      let score = align(codes, bonus, off, n, m, false);
      if (score === NO_MATCH) continue;
      // Exact: n === m after the subsequence check means every character matched in place;
      // the second test covers a key with the same inner whitespace as the query.
      if (n === m || (n === prepared.trimmed.length && this.lowerKeys[i] === prepared.trimmed)) score += BONUS_EXACT;

      if (size < k) {
        // Sift up: a parent that is better than the new entry moves down.
        let pos = size++;
        while (pos > 0) {
          const parent = (pos - 1) >> 1;
          const pi = heapIdx[parent];
          if (!worse(score, n, i, heapScore[parent], offsets[pi + 1] - offsets[pi], pi)) break;
          heapIdx[pos] = pi;
          heapScore[pos] = heapScore[parent];
          pos = parent;
        }
        heapIdx[pos] = i;
        heapScore[pos] = score;
      } else {
        const ri = heapIdx[0];
        // Keys arrive in order, so an equal score and length never displaces the root.
        if (!worse(heapScore[0], offsets[ri + 1] - offsets[ri], ri, score, n, i)) continue;
        // Sift down from the root: the worse child moves up while it is worse than the entry.
        let pos = 0;
        for (;;) {
          const left = 2 * pos + 1;
          if (left >= k) break;
          let child = left;
          let ci = heapIdx[left];
          let cs = heapScore[left];
          let cn = offsets[ci + 1] - offsets[ci];
          const right = left + 1;
          if (right < k) {
            const ri2 = heapIdx[right];
            const rn = offsets[ri2 + 1] - offsets[ri2];
            if (worse(heapScore[right], rn, ri2, cs, cn, ci)) {
              child = right;
              ci = ri2;
              cs = heapScore[right];
              cn = rn;
            }
          }
          if (!worse(cs, cn, ci, score, n, i)) break;
          heapIdx[pos] = ci;
          heapScore[pos] = cs;
          pos = child;
        }
        heapIdx[pos] = i;
        heapScore[pos] = score;
      }
    }

    const order = new Array<number>(size);
    for (let h = 0; h < size; h++) order[h] = h;
    order.sort((a, b) => {
      const ia = heapIdx[a];
      const ib = heapIdx[b];
      if (heapScore[a] !== heapScore[b]) return heapScore[b] - heapScore[a];
      const la = offsets[ia + 1] - offsets[ia];
      const lb = offsets[ib + 1] - offsets[ib];
      return la !== lb ? la - lb : ia - ib;
    });

    // Highlight positions for the winners only: re-run the alignment with backtracking.
    ensureFromCapacity(m * this.maxKeyLength);
    const out = new Array<{ item: T; score: number; positions: number[] }>(size);
    for (let r = 0; r < size; r++) {
      const h = order[r];
      const i = heapIdx[h];
      const off = offsets[i];
      align(codes, bonus, off, offsets[i + 1] - off, m, true);
      out[r] = { item: this.items[i], score: heapScore[h], positions: positionsOf(m) };
    }
    return out;
  }
}

/** Whether result (score a, key length na, index ia) ranks below result b. */
function worse(sa: number, na: number, ia: number, sb: number, nb: number, ib: number): boolean {
  if (sa !== sb) return sa < sb;
  if (na !== nb) return na > nb;
  return ia > ib;
}
