// Where a synchronous piece of code allocates: V8's sampling heap profiler (through node:inspector)
// run over it, garbage included, summed per source line. A sample stands for about
// `samplingIntervalBytes` of allocation, so the figures are estimates (exact counts come from
// allocated-bytes.ts). I/O: none (an in-process inspector session).
import { Session } from 'node:inspector';

export interface AllocationSite {
  /**
   * `function file:line` (file relative to the working folder; the line is the function's first:
   * V8 samples by function), a built-in as `name in caller`.
   */
  site: string;
  bytes: number;
}

interface ProfileNode {
  callFrame: { functionName: string; url: string; lineNumber: number };
  selfSize: number;
  children: ProfileNode[];
}

function post<T>(session: Session, method: string, params?: object): T {
  let result: T | undefined;
  let failure: Error | null = null;
  // An in-process session answers synchronously.
  session.post(method, params, (error, answer) => {
    failure = error;
    result = answer as T;
  });
  if (failure) throw failure;
  return result as T;
}

function frameName(node: ProfileNode): string {
  const { functionName, url, lineNumber } = node.callFrame;
  const file = url.replace(/^file:\/\//, '').replace(`${process.cwd()}/`, '');
  return file === '' ? functionName : `${functionName || '(anonymous)'} ${file}:${lineNumber + 1}`;
}

/** A function of ours by its first line; a built-in (no file: map, subarray…) by its caller too. */
function siteOf(node: ProfileNode, parent: ProfileNode | null): string {
  const name = frameName(node);
  return node.callFrame.url === '' && parent ? `${name} in ${frameName(parent)}` : name;
}

/** The `top` source lines that allocated most while `run` ran, largest first. */
export function allocationSites(run: () => void, top = 15, samplingIntervalBytes = 256): AllocationSite[] {
  const session = new Session();
  session.connect();
  try {
    post(session, 'HeapProfiler.enable');
    post(session, 'HeapProfiler.startSampling', {
      samplingInterval: samplingIntervalBytes,
      includeObjectsCollectedByMajorGC: true,
      includeObjectsCollectedByMinorGC: true,
    });
    run();
    const { profile } = post<{ profile: { head: ProfileNode } }>(session, 'HeapProfiler.stopSampling');
    const bytes = new Map<string, number>();
    const visit = (node: ProfileNode, parent: ProfileNode | null): void => {
      const site = siteOf(node, parent);
      if (node.selfSize > 0) bytes.set(site, (bytes.get(site) ?? 0) + node.selfSize);
      for (const child of node.children) visit(child, node);
    };
    visit(profile.head, null);
    return [...bytes]
      .map(([site, b]) => ({ site, bytes: b }))
      .sort((a, b) => b.bytes - a.bytes)
      .slice(0, top);
  } finally {
    session.disconnect();
  }
}
