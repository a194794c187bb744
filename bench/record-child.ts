/**
 * Child process of the `record-5k` bench: `routebench record`'s recorder (startRecorder) in front
 * of an upstream, alone in its process. Prints `{"url":…}` when listening; when stdin closes it
 * stops (open calls finish, the file is flushed) and prints its summary as one JSON line.
 *
 * argv[2]: upstream base URL (OpenAI dialect); argv[3]: output folder.
 */
import { startRecorder } from '../src/record/recorder.js';

const rec = await startRecorder({
  upstreams: { openai: { name: 'mock', url: process.argv[2]! } },
  host: '127.0.0.1',
  port: 0,
  dir: process.argv[3]!,
  tagHeaders: [{ header: 'x-project', tag: 'project' }],
  now: () => performance.now(),
  wallClock: () => Date.now(),
});
let stopping = false;
const stop = () => {
  if (stopping) return;
  stopping = true;
  void rec.stop(5000).then((s) => {
    process.stdout.write(`${JSON.stringify({ calls: s.calls, files: s.files, rssMb: Math.round(process.memoryUsage().rss / 2 ** 20) })}\n`);
    process.exit(0);
  });
};
process.once('SIGTERM', stop);
process.stdin.on('end', stop);
process.stdin.resume();
process.stdout.write(`${JSON.stringify({ url: rec.url })}\n`);
