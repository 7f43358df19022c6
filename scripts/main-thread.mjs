// Where a page's main-thread time goes: every task of 10 ms or more in a Chromium performance
// trace, with what filled it. Lighthouse records its trace unthrottled and charges each task after
// the first paint four times its length, less 50 ms, as "total blocking time" on its phone
// profile, so a 30 ms task here is 70 ms of TBT. lighthouse.mjs prints this for every page it
// measures and keeps the traces; `node scripts/main-thread.mjs FILE.trace.json` reads one again.
import { readFileSync } from 'node:fs';

// Trace events that say what a task was doing, by the name a reader knows them by: the names
// Chromium 156 writes into Lighthouse's trace (its 'v8' and 'v8.wasm' categories included).
const kinds = new Map([
  ['v8.compile', 'js compile'],
  ['v8.compileModule', 'js compile'],
  ['wasm.CompileLazy', 'wasm compile (lazy)'],
  ['wasm.StartStreamingCompilation', 'wasm compile'],
  ['wasm.OnBytesReceived', 'wasm compile'],
  ['wasm.FinishStreaming', 'wasm compile'],
  ['wasm.SyncInstantiate', 'wasm instantiate'],
  ['FunctionCall', 'script'],
  ['EvaluateScript', 'script'],
  ['v8.evaluateModule', 'script'],
  ['RunMicrotasks', 'script'],
  ['TimerFire', 'script'],
  ['FireAnimationFrame', 'script'],
  ['EventDispatch', 'script'],
  ['MinorGC', 'gc'],
  ['MajorGC', 'gc'],
  ['ParseHTML', 'html parse'],
  ['UpdateLayoutTree', 'style'],
  ['Layout', 'layout'],
  ['PrePaint', 'paint'],
  ['Paint', 'paint'],
  ['Layerize', 'paint'],
  ['Commit', 'paint'],
]);

/// Each task on the page's main thread that lasted `minimumMs` or more, with its time split by
/// the innermost known kind of work (self time, so nested events count once).
export function longTasks(traceEvents, minimumMs = 10) {
  const main = traceEvents.find((e) => e.name === 'thread_name' && e.args?.name === 'CrRendererMain' &&
    traceEvents.some((n) => n.pid === e.pid && n.name === 'navigationStart'));
  if (!main) throw new Error('no renderer main thread in the trace');
  const onMain = traceEvents
    .filter((e) => e.pid === main.pid && e.tid === main.tid && e.ph === 'X' && e.dur !== undefined)
    .sort((a, b) => a.ts - b.ts || b.dur - a.dur);
  const navigation = traceEvents.find((e) => e.pid === main.pid && e.name === 'navigationStart');
  const paint = traceEvents.find((e) => e.pid === main.pid && e.name === 'firstContentfulPaint');
  const start = navigation.ts;
  const tasks = onMain.filter((e) => e.name === 'RunTask' || e.name === 'ThreadControllerImpl::RunTask');
  const found = [];
  for (const task of tasks) {
    if (task.dur < minimumMs * 1000) continue;
    const end = task.ts + task.dur;
    const inside = onMain.filter((e) => e !== task && e.ts >= task.ts && e.ts + e.dur <= end);
    // Self time per kind: an event's duration minus that of the known events directly inside it.
    const byKind = new Map();
    const stack = [];
    const known = inside.filter((e) => kinds.has(e.name));
    for (const event of known) {
      while (stack.length && stack.at(-1).ts + stack.at(-1).dur <= event.ts) stack.pop();
      const kind = kinds.get(event.name);
      byKind.set(kind, (byKind.get(kind) ?? 0) + event.dur);
      if (stack.length) {
        const parent = kinds.get(stack.at(-1).name);
        byKind.set(parent, byKind.get(parent) - event.dur);
      }
      stack.push(event);
    }
    const covered = [...byKind.values()].reduce((a, b) => a + b, 0);
    byKind.set('other', task.dur - covered);
    const what = [...byKind.entries()]
      .filter(([, us]) => us >= 1000)
      .sort((a, b) => b[1] - a[1])
      .map(([kind, us]) => `${kind} ${(us / 1000).toFixed(0)}`)
      .join(', ');
    found.push({
      'at ms': Math.round((task.ts - start) / 1000),
      'ms': Math.round(task.dur / 1000),
      'phone TBT ms': Math.max(0, Math.round((task.dur * 4) / 1000 - 50)),
      'what (ms)': what,
    });
  }
  return { tasks: found, firstPaintMs: paint ? Math.round((paint.ts - start) / 1000) : null };
}

// `node scripts/main-thread.mjs trace.json` reads a trace written earlier.
if (process.argv[2]) {
  const trace = JSON.parse(readFileSync(process.argv[2], 'utf8'));
  const { tasks, firstPaintMs } = longTasks(trace.traceEvents ?? trace);
  console.log(`first contentful paint at ${firstPaintMs} ms`);
  console.table(tasks);
}
