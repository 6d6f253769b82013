/**
 * Content-defined chunking for files without tensor headers: FastCDC (Xia et al., USENIX ATC 2016)
 * with a gear rolling hash and normalised chunking (a stricter mask before the average size, a
 * looser one after), so insertions shift only nearby boundaries. Streaming: feed any slices, get
 * absolute cut offsets back; the same bytes give the same cuts however they are sliced. Pure.
 */
import type { ChunkBounds } from "./bounds";

/** 256 pseudo-random 32-bit values from a fixed seed (xorshift32): boundaries must never change. */
const GEAR = (() => {
  const table = new Uint32Array(256);
  let x = 0x9e3779b9;
  for (let i = 0; i < 256; i++) {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    table[i] = x;
  }
  return table;
})();

/**
 * A mask with `bits` distinct one-bits, high bits first: every other bit from the top for the first 16,
 * then the bits in between. (Until issue 16's second round the positions wrapped after 16, so a mask
 * never had more than 16 distinct bits and a 4 MiB average came out as min + 64 KiB: ~1 MiB chunks, four
 * times the R2 operations. Masks of up to 16 bits, as the tests' small bounds use, are unchanged.)
 */
function mask(bits: number): number {
  let m = 0;
  for (let i = 0; i < bits; i++) m |= 1 << (i < 16 ? 31 - i * 2 : 30 - (i - 16) * 2);
  return m >>> 0;
}

export class GearChunker {
  readonly #min: number;
  readonly #avg: number;
  readonly #max: number;
  readonly #maskS: number;
  readonly #maskL: number;
  /** Absolute offset of the next byte to be fed, and of the start of the open chunk. */
  #position = 0;
  #start = 0;
  #hash = 0;

  constructor(bounds: Pick<ChunkBounds, "cdcMin" | "cdcAvg" | "cdcMax">) {
    this.#min = bounds.cdcMin;
    this.#avg = bounds.cdcAvg;
    this.#max = bounds.cdcMax;
    const bits = Math.max(1, Math.round(Math.log2(bounds.cdcAvg)));
    this.#maskS = mask(Math.min(31, bits + 2));
    this.#maskL = mask(Math.max(1, bits - 2));
  }

  /** Feeds the next bytes; returns the absolute offsets where a chunk ends within them. */
  update(bytes: Uint8Array): number[] {
    const cuts: number[] = [];
    let i = 0;
    while (i < bytes.length) {
      const size = this.#position - this.#start;
      if (size < this.#min) {
        // Bytes before the minimum cannot end a chunk: skip the hash over them (FastCDC's cut-point skip).
        const skip = Math.min(this.#min - size, bytes.length - i);
        i += skip;
        this.#position += skip;
        this.#hash = 0;
        continue;
      }
      const byte = bytes[i] as number;
      this.#hash = ((this.#hash << 1) + (GEAR[byte] as number)) >>> 0;
      i++;
      this.#position++;
      const length = this.#position - this.#start;
      const m = length < this.#avg ? this.#maskS : this.#maskL;
      if ((this.#hash & m) === 0 || length >= this.#max) {
        cuts.push(this.#position);
        this.#start = this.#position;
        this.#hash = 0;
      }
    }
    return cuts;
  }

  /** Ends the stream: the last cut is the end of the data (none for empty input). */
  finish(): number[] {
    return this.#position > this.#start ? [this.#position] : [];
  }
}
