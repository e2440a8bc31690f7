import { BodyCollector } from './held-stream.js';
import type { ClientSink, Outcome, Responder, TranslateAnswer } from './types.js';

/**
 * A non-streaming answer of a translating dialect: buffered (it is small), so a
 * failure halfway, or an answer that does not parse, is still a proper error
 * status rather than a truncated 200. `translate` throws a GatewayError for that.
 */
export class JsonAnswerResponder implements Responder {
  private readonly collector = new BodyCollector();
  private outcomeValue: Outcome = {};
  readonly committed = false;

  constructor(
    private readonly translate: TranslateAnswer,
    private readonly sink: ClientSink,
  ) {}

  onStart(): void {}

  onData(chunk: Buffer): void {
    this.collector.push(chunk);
  }

  onEnd(): void {
    const { message, outcome } = this.translate(this.collector.bytes());
    this.outcomeValue = outcome;
    this.sink.head(200, { 'content-type': 'application/json' });
    this.sink.end(JSON.stringify(message));
  }

  onError(): void {}

  outcome(): Outcome {
    return this.outcomeValue;
  }
}
