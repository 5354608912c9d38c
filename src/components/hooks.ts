import { ISignal } from '@lumino/signaling';
import { useEffect, useState } from 'react';

/**
 * Re-render a component whenever one of the signals fires; returns nothing,
 * the component reads the current values from the model.
 */
export function useSignals(signals: ReadonlyArray<ISignal<any, any>>): void {
  const [, setTick] = useState(0);
  useEffect(() => {
    const bump = (): void => setTick(tick => tick + 1);
    signals.forEach(signal => signal.connect(bump));
    // A signal that fired between the first render and this effect found no
    // listener (say the server list arrived while the panel mounted): render
    // once more so the component never shows a state that is already over.
    bump();
    return () => {
      signals.forEach(signal => signal.disconnect(bump));
    };
    // The signal objects of a model never change.
  }, signals);
}

/** The last path segment of a file path. */
export function basename(path: string): string {
  const parts = path.split('/');
  return parts[parts.length - 1];
}

/** The folder of a file path ('' at the root). */
export function dirname(path: string): string {
  const index = path.lastIndexOf('/');
  return index > 0 ? path.slice(0, index) : '';
}

/** A file name without its extension (`report.ipynb` → `report`). */
export function stem(path: string): string {
  const name = basename(path);
  const dot = name.lastIndexOf('.');
  return dot > 0 ? name.slice(0, dot) : name;
}

/** Open a URL of the Connect server in a new browser tab. */
export function openUrl(url: string): void {
  window.open(url, '_blank', 'noopener');
}
