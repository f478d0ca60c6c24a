// A buffered text file writer that respects backpressure: exports of a million events build
// lines into ~1 MB chunks and wait for the disk when the stream asks them to.

import { createWriteStream, type WriteStream } from 'node:fs';

const CHUNK_CHARS = 1 << 20;

export class TextSink {
  private buffer: string[] = [];
  private size = 0;
  private readonly stream: WriteStream;
  private failed: Error | null = null;
  /** Lines (or records) written, for the caller's counts. */
  records = 0;

  constructor(readonly path: string) {
    this.stream = createWriteStream(path, { encoding: 'utf8', highWaterMark: 4 << 20 });
    this.stream.on('error', (error) => {
      this.failed = error;
    });
  }

  /** Queues text; resolves at once unless the chunk had to be written and the disk is behind. */
  async write(text: string): Promise<void> {
    this.buffer.push(text);
    this.size += text.length;
    if (this.size >= CHUNK_CHARS) await this.drain();
  }

  private async drain(): Promise<void> {
    if (this.failed) throw this.failed;
    if (this.buffer.length === 0) return;
    const chunk = this.buffer.join('');
    this.buffer = [];
    this.size = 0;
    if (!this.stream.write(chunk)) {
      await new Promise<void>((resolveDrain, reject) => {
        const onError = (error: Error): void => reject(error);
        this.stream.once('error', onError);
        this.stream.once('drain', () => {
          this.stream.off('error', onError);
          resolveDrain();
        });
      });
    }
  }

  async close(): Promise<void> {
    await this.drain();
    await new Promise<void>((resolveEnd, reject) => {
      if (this.failed) {
        reject(this.failed);
        return;
      }
      this.stream.once('error', reject);
      this.stream.end(() => resolveEnd());
    });
    if (this.failed) throw this.failed;
  }

  /** Closes after a failure without masking it. */
  async abandon(): Promise<void> {
    this.buffer = [];
    await new Promise<void>((r) => this.stream.end(() => r()));
  }
}
