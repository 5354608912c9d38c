/** useSignals: a component always ends up showing the model's current state. */
import * as React from 'react';
import { act } from 'react';
import { Root, createRoot } from 'react-dom/client';

import { Signal } from '@lumino/signaling';

import { useSignals } from '../components/hooks';

class Source {
  value = 'loading';
  changed = new Signal<this, void>(this);
}

/** Reads the value, then (once) changes it while nothing listens yet. */
function Probe(props: { source: Source; late: boolean }): JSX.Element {
  const { source } = props;
  useSignals([source.changed]);
  const shown = source.value;
  if (props.late && source.value === 'loading') {
    // What a fast answer does when it lands between render and effect.
    source.value = 'loaded';
    source.changed.emit();
  }
  return <span>{shown}</span>;
}

describe('useSignals', () => {
  let container: HTMLDivElement;
  let root: Root;

  beforeEach(() => {
    (globalThis as any).IS_REACT_ACT_ENVIRONMENT = true;
    container = document.createElement('div');
    document.body.appendChild(container);
    root = createRoot(container);
  });

  afterEach(() => {
    act(() => root.unmount());
    container.remove();
  });

  it('catches a change signalled before it subscribed', () => {
    const source = new Source();
    act(() => root.render(<Probe source={source} late={true} />));
    expect(container.textContent).toBe('loaded');
  });

  it('re-renders on later signals and stops after unmount', () => {
    const source = new Source();
    act(() => root.render(<Probe source={source} late={false} />));
    expect(container.textContent).toBe('loading');
    act(() => {
      source.value = 'ready';
      source.changed.emit();
    });
    expect(container.textContent).toBe('ready');
    act(() => root.unmount());
    root = createRoot(container);
    expect(() => source.changed.emit()).not.toThrow();
  });
});
