/** The deploy log follows new lines unless the user scrolled up. */
import * as React from 'react';
import { act } from 'react';
import { Root, createRoot } from 'react-dom/client';
import type { TranslationBundle } from '@jupyterlab/translation';

import { DeployLog } from '../components/DeployLog';

const trans = { __: (text: string) => text } as unknown as TranslationBundle;

/** jsdom has no layout: give the log a fixed box and a height per line. */
function layout(node: HTMLElement, lines: number): void {
  Object.defineProperty(node, 'clientHeight', {
    configurable: true,
    value: 100
  });
  Object.defineProperty(node, 'scrollHeight', {
    configurable: true,
    value: lines * 20
  });
}

describe('DeployLog', () => {
  let container: HTMLDivElement;
  let root: Root;

  beforeAll(() => {
    (globalThis as any).IS_REACT_ACT_ENVIRONMENT = true;
  });

  beforeEach(() => {
    container = document.createElement('div');
    document.body.appendChild(container);
    root = createRoot(container);
  });

  afterEach(() => {
    act(() => root.unmount());
    container.remove();
  });

  function render(lines: string[]): HTMLPreElement {
    act(() => root.render(<DeployLog lines={lines} trans={trans} />));
    return container.querySelector('pre')!;
  }

  it('follows new lines, stops when scrolled up, resumes at the bottom', () => {
    const lines = Array.from({ length: 10 }, (_, i) => `line ${i}`);
    let node = render(lines.slice(0, 1));
    layout(node, 10);
    node = render(lines);
    expect(node.textContent).toContain('line 9');
    expect(node.scrollTop).toBe(200);

    // The user scrolls up to read: new lines do not move the view.
    node.scrollTop = 40;
    act(() => {
      node.dispatchEvent(new Event('scroll'));
    });
    layout(node, 12);
    node = render([...lines, 'line 10', 'line 11']);
    expect(node.scrollTop).toBe(40);

    // Back at the bottom: following again.
    node.scrollTop = 140;
    act(() => {
      node.dispatchEvent(new Event('scroll'));
    });
    layout(node, 13);
    node = render([...lines, 'line 10', 'line 11', 'line 12']);
    expect(node.scrollTop).toBe(260);
  });

  it('says it waits when there is no line yet', () => {
    const node = render([]);
    expect(node.textContent).toBe('Waiting for the first log line…');
    expect(node.getAttribute('role')).toBe('log');
  });
});
