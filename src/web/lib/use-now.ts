import { useEffect, useState } from 'react';

/** The current time (ms), re-read every `intervalMs`: what keeps a countdown or a waiting time live on a page left open. */
export function useNow(intervalMs = 30_000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), intervalMs);
    return () => clearInterval(timer);
  }, [intervalMs]);
  return now;
}
