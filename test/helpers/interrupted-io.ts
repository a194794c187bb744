/** An in-memory CLI io whose Ctrl-C is pressed the moment a command listens for it. */
import { memoryIo } from '../../src/cli/io.js';

export function pressedAtOnce(): ReturnType<typeof memoryIo> {
  const io = memoryIo();
  io.onInterrupt = (handler: () => void) => {
    handler();
    return () => undefined;
  };
  return io;
}
