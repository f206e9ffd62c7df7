// Reads a log stream from the start and, while `follow` holds (the task or
// trial is active), keeps reading what is appended. Shared by the pipeline
// task panel and the tuning trial panel; `read` fetches one chunk at an
// offset, `key` names the stream (a new key starts over).
import { useEffect, useRef, useState } from 'react';

// More than this is not kept in the page; the panel says where the rest is.
export const MAX_LOG_CHARS = 2 * 1024 * 1024;
const LOG_POLL_MS = 1500;

export interface LogChunkLike {
  data: string;
  next_offset: number;
  eof: boolean;
}

export interface FollowedLog {
  text: string;
  offset: number;
  eof: boolean;
  error?: Error;
  truncated: boolean;
  loaded: boolean;
}

export function useFollowedLog(
  read: (offset: number, signal: AbortSignal) => Promise<LogChunkLike>,
  key: string,
  follow: boolean,
): FollowedLog {
  const [state, setState] = useState<FollowedLog>({ text: '', offset: 0, eof: false, truncated: false, loaded: false });
  const followRef = useRef(follow);
  followRef.current = follow;
  const readRef = useRef(read);
  readRef.current = read;
  useEffect(() => {
    const controller = new AbortController();
    let offset = 0;
    let text = '';
    let timer: ReturnType<typeof setTimeout> | undefined;
    // One more read after the process stops, for what it wrote at the end.
    let followed = followRef.current;
    setState({ text: '', offset: 0, eof: false, truncated: false, loaded: false });
    const pull = async () => {
      try {
        for (;;) {
          const chunk = await readRef.current(offset, controller.signal);
          if (controller.signal.aborted) return;
          offset = chunk.next_offset;
          const truncated = text.length + chunk.data.length > MAX_LOG_CHARS;
          if (!truncated) text += chunk.data;
          setState({ text, offset, eof: chunk.eof, truncated, loaded: true });
          if (truncated || chunk.eof || chunk.data.length === 0) break;
        }
        const again = followRef.current || followed;
        followed = followRef.current;
        if (again) timer = setTimeout(pull, LOG_POLL_MS);
      } catch (e) {
        if ((e as Error).name === 'AbortError') return;
        setState((s) => ({ ...s, error: e as Error, loaded: true }));
      }
    };
    void pull();
    return () => {
      controller.abort();
      if (timer) clearTimeout(timer);
    };
  }, [key]);
  return state;
}
