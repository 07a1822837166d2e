"use client";
import { useEffect, useRef } from "react";

/**
 * Runs `task` at once and then every `ms` while the tab is visible (and at once when it becomes
 * visible again). A run never overlaps the previous one; a hidden tab asks nothing.
 */
export function useVisibleInterval(task: () => Promise<void>, ms: number): void {
  const ref = useRef(task);
  useEffect(() => {
    ref.current = task;
  });
  useEffect(() => {
    let timer: ReturnType<typeof setInterval> | null = null;
    let running = false;
    const run = () => {
      if (running) return;
      running = true;
      ref
        .current()
        .catch(() => undefined)
        .finally(() => {
          running = false;
        });
    };
    const start = () => {
      timer ??= setInterval(run, ms);
    };
    const stop = () => {
      if (timer !== null) clearInterval(timer);
      timer = null;
    };
    const onVisibility = () => {
      if (document.visibilityState === "visible") {
        run();
        start();
      } else stop();
    };
    run();
    if (document.visibilityState === "visible") start();
    document.addEventListener("visibilitychange", onVisibility);
    return () => {
      stop();
      document.removeEventListener("visibilitychange", onVisibility);
    };
  }, [ms]);
}
